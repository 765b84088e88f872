package io.flowersim.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ResumableRandomTest {

  @Test
  void itDrawsWhatSplittableRandomDraws() {
    SplittableRandom expected = new SplittableRandom(42);
    ResumableRandom actual = ResumableRandom.seeded(42);
    for (int i = 0; i < 20_000; i++) {
      assertThat(actual.nextInt(1 + i)).isEqualTo(expected.nextInt(1 + i));
      assertThat(actual.nextDouble()).isEqualTo(expected.nextDouble());
      assertThat(actual.nextGaussian()).isEqualTo(expected.nextGaussian());
      assertThat(actual.nextLong()).isEqualTo(expected.nextLong());
    }
  }

  @Test
  void aSequenceResumedAtItsPositionGoesOnAsTheUninterruptedOne() {
    ResumableRandom uninterrupted = ResumableRandom.seeded(7);
    ResumableRandom first = ResumableRandom.seeded(7);
    for (int i = 0; i < 1000; i++) {
      assertThat(first.nextInt(37)).isEqualTo(uninterrupted.nextInt(37));
    }
    ResumableRandom resumed = ResumableRandom.at(first.position());
    for (int i = 0; i < 1000; i++) {
      assertThat(resumed.nextGaussian()).isEqualTo(uninterrupted.nextGaussian());
    }
  }
}

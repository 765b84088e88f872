package io.flowersim.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.strategy.Aggregation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sum an engine builds where the clients ran, against FedAvg's weighted mean of each update. */
class UpdateSumTest {

  /** Two tensors, so the sum must keep a layout of more than one tensor. */
  private static Parameters update(float... values) {
    return Parameters.builder()
        .add("w", new int[] {2, 2}, new float[] {values[0], values[1], values[2], values[3]})
        .add("b", new int[] {1}, new float[] {values[4]})
        .build();
  }

  private static final List<Aggregation.Weighted> UPDATES = List.of(
      new Aggregation.Weighted(update(1.5f, -2f, 0.25f, 10f, 3f), 7),
      new Aggregation.Weighted(update(-0.5f, 4f, 1f, -3f, 0f), 1),
      new Aggregation.Weighted(update(2f, 2f, -7.75f, 0.1f, -1f), 12),
      new Aggregation.Weighted(update(0f, 0f, 0f, 0f, 0f), 0),
      new Aggregation.Weighted(update(0.3f, -0.3f, 5f, 6f, 9.5f), 30));

  private static UpdateSum sumOf(List<Aggregation.Weighted> updates) {
    UpdateSum sum = new UpdateSum(updates.get(0).parameters());
    updates.forEach(u -> sum.add(u.parameters(), u.numExamples()));
    return sum;
  }

  @Test
  void theMeanIsFedAvgsWeightedAverageOfTheSameUpdates() {
    Parameters expected = Aggregation.weightedAverage(UPDATES);

    Parameters mean = sumOf(UPDATES).mean();

    assertThat(mean.sameLayoutAs(expected)).isTrue();
    assertThat(mean.values()).containsExactly(expected.values(), within(1e-6f));
    // spot check by hand, b: (7*3 + 12*-1 + 30*9.5) / 50 = 5.88
    assertThat(mean.copyOf("b")[0]).isCloseTo(5.88f, within(1e-6f));
    assertThat(sumOf(UPDATES).examples()).isEqualTo(50);
  }

  @Test
  void groupMeansAddedWithTheirTotalsGiveTheMeanOfAllUpdates() {
    // as the driver adds the means that two workers sent back
    UpdateSum first = sumOf(UPDATES.subList(0, 2));
    UpdateSum second = sumOf(UPDATES.subList(2, 5));
    UpdateSum merged = new UpdateSum(update(0, 0, 0, 0, 0));

    merged.add(first.mean(), first.examples());
    merged.add(second.mean().values(), second.examples());

    assertThat(merged.examples()).isEqualTo(50);
    assertThat(merged.mean().values()).containsExactly(sumOf(UPDATES).mean().values(),
        within(1e-6f));
  }

  @Test
  void updatesWithoutExamplesCannotBeWeighted() {
    UpdateSum sum = new UpdateSum(update(0, 0, 0, 0, 0));
    sum.add(update(1, 2, 3, 4, 5), 0);

    assertThatThrownBy(sum::mean).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("all updates report 0 examples; cannot weight them");
    assertThatThrownBy(new UpdateSum(update(0, 0, 0, 0, 0))::mean)
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 examples");
  }

  @Test
  void anUpdateOfAnotherLayoutIsRefusedNamingBoth() {
    UpdateSum sum = new UpdateSum(update(0, 0, 0, 0, 0));
    Parameters other = Parameters.builder().add("w", new int[] {5}, new float[5]).build();

    assertThatThrownBy(() -> sum.add(other, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("w[2, 2]").hasMessageContaining("b[1]")
        .hasMessageContaining("w[5]");
    assertThatThrownBy(() -> sum.add(new float[4], 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 values, expected 5");
    assertThat(sum.examples()).isZero();
  }

  @Test
  void negativeExampleCountsAreRefused() {
    assertThatThrownBy(() -> new UpdateSum(update(0, 0, 0, 0, 0)).add(update(1, 1, 1, 1, 1), -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numExamples");
  }
}

package io.flowersim.strategy;

import static io.flowersim.strategy.StrategyTesting.failure;
import static io.flowersim.strategy.StrategyTesting.fit;
import static io.flowersim.strategy.StrategyTesting.p;
import static io.flowersim.strategy.StrategyTesting.results;
import static io.flowersim.strategy.StrategyTesting.round;
import static io.flowersim.strategy.StrategyTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.client.EvaluateResult;
import io.flowersim.client.Parameters;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The DP wrapper against Flower's dp_fixed_clipping.py and differential_privacy.py. */
class DifferentialPrivacyServerSideFixedClippingTest {

  private static final Parameters GLOBAL = p(1, 1);

  private static DifferentialPrivacyServerSideFixedClipping dp(Strategy inner,
      double noiseMultiplier, long seed) {
    return new DifferentialPrivacyServerSideFixedClipping(inner, noiseMultiplier, 2.5, 2, seed);
  }

  @Test
  void clipsEachUpdateBeforeTheWrappedStrategyAggregates() {
    // global [1,1], clipping norm 2.5:
    //   client [4,5]: update [3,4], norm 5 -> scaled by 0.5 -> [2.5, 3]
    //   client [1.5,1]: update [0.5,0], norm 0.5 -> unchanged
    //   FedAvg (1 example each): [(2.5+1.5)/2, (3+1)/2] = [2, 2]  (unclipped it would be [2.75, 3])
    //   noise multiplier 0 -> std 0, nothing added
    FitAggregate aggregate = round(dp(FedAvg.builder().build(), 0.0, 1), 1, GLOBAL,
        results(fit(1, 4, 5), fit(1, 1.5f, 1)));

    assertThat(values(aggregate)).containsExactly(2f, 2f);
    assertThat(aggregate.metrics()).containsEntry(
        DifferentialPrivacyServerSideFixedClipping.NOISE_STDDEV, 0.0);
  }

  @Test
  void addsSeededGaussianNoiseWithFlowersStddevAndReportsIt() {
    // std = noise_multiplier * clipping_norm / num_sampled_clients = 1.0 * 2.5 / 2 = 1.25
    Parameters zeros = p(new float[20_000]);
    DifferentialPrivacyServerSideFixedClipping first = dp(FedAvg.builder().build(), 1.0, 42);
    DifferentialPrivacyServerSideFixedClipping again = dp(FedAvg.builder().build(), 1.0, 42);
    DifferentialPrivacyServerSideFixedClipping other = dp(FedAvg.builder().build(), 1.0, 43);

    FitAggregate noisy = round(first, 1, zeros,
        results(fit(1, new float[20_000]), fit(1, new float[20_000])));

    double squares = 0;
    for (float x : values(noisy)) {
      squares += (double) x * x;
    }
    assertThat(Math.sqrt(squares / 20_000)).isCloseTo(1.25, within(0.02));
    assertThat(noisy.metrics().get(DifferentialPrivacyServerSideFixedClipping.NOISE_STDDEV))
        .isCloseTo(1.25, within(1e-15));
    assertThat(values(round(again, 1, zeros,
        results(fit(1, new float[20_000]), fit(1, new float[20_000])))))
        .containsExactly(values(noisy));
    assertThat(values(round(other, 1, zeros,
        results(fit(1, new float[20_000]), fit(1, new float[20_000])))))
        .isNotEqualTo(values(noisy));
  }

  @Test
  void aRoundWithAFailureIsNotAggregatedAsInFlower() {
    FitAggregate aggregate = round(dp(FedAvg.builder().build(), 0.0, 1), 1, GLOBAL,
        results(List.of(failure(7, 1)), fit(1, 4, 5), fit(1, 1.5f, 1)));

    assertThat(aggregate.parameters()).isEmpty();
  }

  @Test
  void wrapsAnyStrategy() {
    // FedMedian of the clipped updates [2.5,3], [1.5,1], [1,1]: [1.5, 1]
    FitAggregate aggregate = round(dp(FedMedian.builder().build(), 0.0, 1), 1, GLOBAL,
        results(fit(1, 4, 5), fit(1, 1.5f, 1), fit(1, 1, 1)));

    assertThat(values(aggregate)).containsExactly(1.5f, 1f);
  }

  @Test
  void delegatesEverythingElse() {
    FedAvg inner = FedAvg.builder().acceptFailures(false).initialParameters(GLOBAL)
        .evaluateFn((round, params) -> Optional.of(new EvaluateResult(round, 1, Map.of())))
        .build();
    DifferentialPrivacyServerSideFixedClipping dp = dp(inner, 1.0, 1);

    assertThat(dp.initializeParameters()).contains(GLOBAL);
    assertThat(dp.acceptFailures()).isFalse();
    assertThat(dp.evaluate(3, GLOBAL).orElseThrow().loss()).isEqualTo(3.0);
    assertThat(dp.configureEvaluate(1, GLOBAL, new ClientManager(5, 1))).hasSize(5);
    assertThat(dp.noiseStddev()).isEqualTo(1.25);
  }

  @Test
  void refusesFlowersInvalidArguments() {
    FedAvg inner = FedAvg.builder().build();
    assertThatThrownBy(() -> new DifferentialPrivacyServerSideFixedClipping(inner, -1, 1, 1, 0))
        .hasMessageContaining("noiseMultiplier");
    assertThatThrownBy(() -> new DifferentialPrivacyServerSideFixedClipping(inner, 1, 0, 1, 0))
        .hasMessageContaining("clippingNorm");
    assertThatThrownBy(() -> new DifferentialPrivacyServerSideFixedClipping(inner, 1, 1, 0, 0))
        .hasMessageContaining("numSampledClients");
  }
}

package io.flowersim.strategy;

import static io.flowersim.strategy.StrategyTesting.failure;
import static io.flowersim.strategy.StrategyTesting.fit;
import static io.flowersim.strategy.StrategyTesting.results;
import static io.flowersim.strategy.StrategyTesting.summed;
import static io.flowersim.strategy.StrategyTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * FedMedian, FedTrimmedAvg, Krum, MultiKrum and Bulyan through aggregateFit: each replaces only
 * FedAvg's weighted mean (Flower's fedmedian.py, fedtrimmedavg.py, krum.py, bulyan.py), keeping
 * FedAvg's handling of missing results, refused failures and metrics. AggregationTest checks the
 * arithmetic itself.
 */
class RobustStrategiesTest {

  /** Four honest clients near [1, 1] and one attacker at [100, -100] with most examples. */
  private static RoundResults<FitResult> withAttacker() {
    return results(fit(1, 1.0f, 1.0f), fit(1, 1.2f, 0.9f), fit(1, 0.8f, 1.1f), fit(1, 1.1f, 1.0f),
        fit(96, 100f, -100f));
  }

  @Test
  void fedAvgIsPulledByTheAttacker() {
    // (1 + 1.2 + 0.8 + 1.1 + 96*100) / 100 = 96.041: what the robust strategies must avoid
    assertThat(values(FedAvg.builder().build().aggregateFit(1, withAttacker()))[0])
        .isCloseTo(96.041f, within(1e-3f));
  }

  @Test
  void fedMedianIgnoresExampleCountsAndOutliers() {
    // coordinate 0: 0.8, 1.0, 1.1, 1.2, 100 -> 1.1; coordinate 1: -100, 0.9, 1.0, 1.0, 1.1 -> 1.0
    assertThat(values(FedMedian.builder().build().aggregateFit(1, withAttacker())))
        .containsExactly(1.1f, 1.0f);
  }

  @Test
  void fedTrimmedAvgCutsBetaOfEachTail() {
    // beta 0.2 of 5 = 1 per side: mean(1.0, 1.1, 1.2) = 1.1 and mean(0.9, 1.0, 1.0) = 0.9667
    float[] trimmed = values(FedTrimmedAvg.builder().build().aggregateFit(1, withAttacker()));

    assertThat(trimmed[0]).isCloseTo(1.1f, within(1e-6f));
    assertThat(trimmed[1]).isCloseTo(2.9f / 3, within(1e-6f));
    assertThat(FedTrimmedAvg.builder().build().beta).isEqualTo(0.2);
  }

  @Test
  void fedTrimmedAvgWithBetaZeroIsThePlainMean() {
    // (1 + 1.2 + 0.8 + 1.1 + 100) / 5 = 20.82, unweighted
    assertThat(values(FedTrimmedAvg.builder().beta(0).build().aggregateFit(1, withAttacker()))[0])
        .isCloseTo(20.82f, within(1e-4f));
  }

  @Test
  void krumChoosesOneHonestUpdate() {
    // f = 1, n = 5: the two nearest per client; squared distances among the honest four:
    //   [1,1]-[1.2,0.9] 0.05, [1,1]-[0.8,1.1] 0.05, [1,1]-[1.1,1] 0.01, [1.2,.9]-[.8,1.1] 0.2,
    //   [1.2,.9]-[1.1,1] 0.02, [.8,1.1]-[1.1,1] 0.1 -> scores 0.06, 0.07, 0.15, 0.03 -> [1.1, 1.0]
    Krum krum = Krum.builder().numMaliciousClients(1).build();

    assertThat(values(krum.aggregateFit(1, withAttacker()))).containsExactly(1.1f, 1.0f);
    assertThat(Krum.builder().build().numMaliciousClients).isZero();
    assertThat(Krum.builder().build().numClientsToKeep).isZero();
  }

  @Test
  void multiKrumAveragesTheBestByExamples() {
    // keep 2: scores 0.03 ([1.1,1]) and 0.06 ([1,1]), one example each -> [1.05, 1.0]
    MultiKrum multiKrum = MultiKrum.builder().numMaliciousClients(1).numClientsToKeep(2).build();

    float[] kept = values(multiKrum.aggregateFit(1, withAttacker()));

    assertThat(kept[0]).isCloseTo(1.05f, within(1e-6f));
    assertThat(kept[1]).isCloseTo(1.0f, within(1e-6f));
    assertThatThrownBy(() -> MultiKrum.builder().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numClientsToKeep");
  }

  @Test
  void bulyanNeedsFourFPlusThreeUpdatesAndThenResistsTheAttacker() {
    // f = 0 (Flower's default) needs 3 updates: theta = 5 picks (all), beta = 5 -> per coordinate
    // the mean of all 5 picked = the plain mean, since f = 0 assumes no attacker: 20.82
    assertThat(values(Bulyan.builder().build().aggregateFit(1, withAttacker()))[0])
        .isCloseTo(20.82f, within(1e-4f));
    // f = 1 needs 7: five updates are refused, as Flower raises
    Bulyan bulyan = Bulyan.builder().numMaliciousClients(1).build();
    assertThatThrownBy(() -> bulyan.aggregateFit(1, withAttacker()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 5");
    // seven updates, two attackers: Krum picks the five honest ones (numpy-free Python of
    // aggregate_bulyan), beta = 7 - 4 = 3 per coordinate:
    //   coordinate 0: 1.0, 1.05, 1.1, 1.2, 0.8 -> median 1.05, nearest 3: 1.05, 1.0, 1.1 -> 1.05
    //   coordinate 1: 1.0, 0.95, 1.0, 0.9, 1.1 -> median 1.0, nearest 3: 1.0, 1.0, 0.95 -> 0.98333
    RoundResults<FitResult> seven = results(fit(1, 1.0f, 1.0f), fit(1, 1.2f, 0.9f),
        fit(1, 0.8f, 1.1f), fit(1, 1.1f, 1.0f), fit(1, 1.05f, 0.95f), fit(50, 100f, -100f),
        fit(50, -100f, 100f));
    float[] robust = values(bulyan.aggregateFit(1, seven));
    assertThat(robust[0]).isCloseTo(1.05f, within(1e-6f));
    assertThat(robust[1]).isCloseTo(2.95f / 3, within(1e-6f));
  }

  static Stream<UpdateAggregatingStrategy> robust() {
    return Stream.of(FedMedian.builder().build(), FedTrimmedAvg.builder().build(),
        Krum.builder().build(), MultiKrum.builder().numClientsToKeep(2).build(),
        Bulyan.builder().build());
  }

  @ParameterizedTest
  @MethodSource("robust")
  void theyNeedEveryUpdateAndRefuseASum(UpdateAggregatingStrategy strategy) {
    assertThat(strategy.aggregatesMeanOfUpdates()).isFalse();
    assertThatThrownBy(() -> strategy.aggregateFit(1, summed(withAttacker())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(strategy.getClass().getSimpleName() + " needs every client's update");
  }

  @Test
  void theyKeepFedAvgsHandlingOfFailuresAndMetrics() {
    FedMedian strict = FedMedian.builder().acceptFailures(false).build();

    RoundResults<FitResult> failed = results(List.of(failure(9, 1)), fit(1, 1, 1), fit(1, 2, 2));
    assertThat(strict.aggregateFit(1, failed).parameters()).isEmpty();
    assertThat(Krum.builder().build().aggregateFit(1, results()).parameters()).isEmpty();
    // train_loss 1..5 weighted 1,1,1,1,96: (1+2+3+4+480)/100 = 4.9
    assertThat(FedMedian.builder().build().aggregateFit(1, withAttacker()).metrics()
        .get("train_loss")).isCloseTo(4.9, within(1e-12));
  }

  /**
   * A strategy of one's own that looks at every update says nothing about sums and still gets
   * every update: the base it extends decides, not a flag to remember.
   */
  @Test
  void aStrategyOfOnesOwnOnTheUpdateBaseIsNeverSummed() {
    UpdateAggregatingStrategy firstUpdate = new UpdateAggregatingStrategy(FedMedian.builder()) {
      @Override
      protected Parameters aggregateUpdates(int round, List<Aggregation.Weighted> updates) {
        return updates.get(0).parameters();
      }
    };
    assertThat(firstUpdate.aggregatesMeanOfUpdates()).isFalse();
    assertThatThrownBy(() -> firstUpdate.aggregateFit(1, summed(withAttacker())))
        .isInstanceOf(IllegalStateException.class);
    assertThat(values(firstUpdate.aggregateFit(1, withAttacker())))
        .containsExactly(withAttacker().results().get(0).result().parameters().values());
  }
}

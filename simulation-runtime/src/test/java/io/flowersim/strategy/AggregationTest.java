package io.flowersim.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.client.Parameters;
import io.flowersim.strategy.Aggregation.Weighted;
import io.flowersim.strategy.Aggregation.WeightedLoss;
import io.flowersim.strategy.Aggregation.WeightedMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AggregationTest {

  private static Parameters ab(float a0, float a1, float b0) {
    return Parameters.builder()
        .add("a", new int[] {2}, new float[] {a0, a1})
        .add("b", new int[] {1, 1}, new float[] {b0})
        .build();
  }

  @Test
  void weightedAverageIsTheExampleWeightedMean() {
    // Updates a=[1,2],[3,4],[10,20] and b=[5],[7],[-1] with 1, 3 and 6 examples (total 10):
    //   a0 = (1*1 + 3*3  + 6*10) / 10 = 70 / 10  = 7.0
    //   a1 = (1*2 + 3*4  + 6*20) / 10 = 134 / 10 = 13.4
    //   b0 = (1*5 + 3*7  + 6*-1) / 10 = 20 / 10  = 2.0
    // (an unweighted mean would give 4.667, 8.667, 3.667)
    Parameters avg = Aggregation.weightedAverage(List.of(
        new Weighted(ab(1, 2, 5), 1),
        new Weighted(ab(3, 4, 7), 3),
        new Weighted(ab(10, 20, -1), 6)));

    assertThat(avg.copyOf("a")[0]).isCloseTo(7.0f, within(1e-5f));
    assertThat(avg.copyOf("a")[1]).isCloseTo(13.4f, within(1e-5f));
    assertThat(avg.copyOf("b")[0]).isCloseTo(2.0f, within(1e-5f));
    assertThat(avg.sameLayoutAs(ab(0, 0, 0))).isTrue();
    assertThat(avg.tensor("b").shape()).containsExactly(1, 1);
  }

  @Test
  void aClientWithZeroExamplesGetsZeroWeight() {
    // (0*[100,100,100] + 2*[3,4,7]) / 2 = [3,4,7]
    Parameters avg = Aggregation.weightedAverage(List.of(
        new Weighted(ab(100, 100, 100), 0),
        new Weighted(ab(3, 4, 7), 2)));

    assertThat(avg.values()).containsExactly(3f, 4f, 7f);
  }

  @Test
  void weightedAverageDoesNotModifyTheInputs() {
    Parameters first = ab(1, 2, 3);
    Aggregation.weightedAverage(List.of(new Weighted(first, 1), new Weighted(ab(5, 5, 5), 1)));

    assertThat(first.values()).containsExactly(1f, 2f, 3f);
  }

  @Test
  void layoutMismatchIsRefused() {
    Parameters other = Parameters.builder().add("a", new int[] {3}, new float[] {1, 2, 3}).build();

    assertThatThrownBy(() -> Aggregation.weightedAverage(List.of(
        new Weighted(ab(1, 2, 3), 1), new Weighted(other, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differ in layout");
  }

  @Test
  void sameSizeButDifferentTensorNamesIsALayoutMismatch() {
    Parameters renamed = Parameters.builder()
        .add("x", new int[] {2}, new float[] {1, 2})
        .add("b", new int[] {1, 1}, new float[] {3})
        .build();

    assertThatThrownBy(() -> Aggregation.weightedAverage(List.of(
        new Weighted(ab(1, 2, 3), 1), new Weighted(renamed, 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differ in layout");
  }

  @Test
  void zeroExamplesInTotalIsRefused() {
    assertThatThrownBy(() -> Aggregation.weightedAverage(List.of(
        new Weighted(ab(1, 2, 3), 0), new Weighted(ab(4, 5, 6), 0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 examples");
  }

  @Test
  void nothingToAggregateIsRefused() {
    assertThatThrownBy(() -> Aggregation.weightedAverage(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void weightedLossAverageIsFlowersWeightedLossAvg() {
    // (2*0.5 + 3*1.0 + 5*2.0) / (2+3+5) = (1 + 3 + 10) / 10 = 1.4 (the plain mean would be 1.1667)
    double loss = Aggregation.weightedLossAverage(List.of(
        new WeightedLoss(2, 0.5), new WeightedLoss(3, 1.0), new WeightedLoss(5, 2.0)));

    assertThat(loss).isCloseTo(1.4, within(1e-12));
  }

  @Test
  void weightedLossAverageRefusesZeroExamples() {
    assertThatThrownBy(() -> Aggregation.weightedLossAverage(List.of(new WeightedLoss(0, 1.0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 examples");
    assertThatThrownBy(() -> Aggregation.weightedLossAverage(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void weightedMetricsAverageAveragesEachKeyOverTheClientsThatReportedIt() {
    // acc: reported by all three: (1*0.5 + 3*0.9 + 6*0.1) / 10 = (0.5 + 2.7 + 0.6) / 10 = 0.38
    // f1:  reported by the 1- and 6-example clients only: (1*0.2 + 6*0.8) / 7 = 5.0 / 7
    //      (over all 10 examples it would wrongly be 0.5)
    // only: reported by one client: its own value, 4.0
    Map<String, Double> avg = Aggregation.weightedMetricsAverage(List.of(
        new WeightedMetrics(1, Map.of("acc", 0.5, "f1", 0.2)),
        new WeightedMetrics(3, Map.of("acc", 0.9, "only", 4.0)),
        new WeightedMetrics(6, Map.of("acc", 0.1, "f1", 0.8))));

    assertThat(avg).containsOnlyKeys("acc", "f1", "only");
    assertThat(avg.get("acc")).isCloseTo(0.38, within(1e-12));
    assertThat(avg.get("f1")).isCloseTo(5.0 / 7, within(1e-12));
    assertThat(avg.get("only")).isCloseTo(4.0, within(1e-12));
  }

  @Test
  void weightedMetricsAverageOfNothingIsEmptyAndZeroWeightKeysAreDropped() {
    assertThat(Aggregation.weightedMetricsAverage(List.of())).isEmpty();
    Map<String, Double> avg = Aggregation.weightedMetricsAverage(List.of(
        new WeightedMetrics(0, Map.of("x", 1.0)),
        new WeightedMetrics(2, Map.of("y", 3.0))));
    assertThat(avg).containsOnlyKeys("y");
    assertThat(avg.get("y")).isEqualTo(3.0);
  }
}

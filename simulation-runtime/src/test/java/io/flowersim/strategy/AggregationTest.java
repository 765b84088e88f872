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

  // ---- robust aggregation: expected values computed by hand with Flower's formulas from
  // ---- framework/py/flwr/server/strategy/aggregate.py (numpy-free Python in the comments) ----

  private static Parameters v(float... values) {
    return Parameters.builder().add("w", new int[] {values.length}, values).build();
  }

  private static List<Parameters> vs(float[]... rows) {
    return java.util.Arrays.stream(rows).map(AggregationTest::v).toList();
  }

  private static Weighted w(long n, float... values) {
    return new Weighted(v(values), n);
  }

  @Test
  void medianOfAnEvenCountAveragesTheTwoMiddleValues() {
    // np.median over clients per coordinate:
    //   [1,3,10,2] -> sorted 1,2,3,10 -> (2+3)/2 = 2.5   (mean 4.0)
    //   [5,1,2,8]  -> 1,2,5,8 -> (2+5)/2 = 3.5
    //   [-2,0,4,1] -> -2,0,1,4 -> (0+1)/2 = 0.5
    Parameters median = Aggregation.median(vs(
        new float[] {1, 5, -2}, new float[] {3, 1, 0}, new float[] {10, 2, 4},
        new float[] {2, 8, 1}));

    assertThat(median.values()).containsExactly(2.5f, 3.5f, 0.5f);
  }

  @Test
  void medianOfAnOddCountIsTheMiddleValueAndIgnoresOutliers() {
    // with a fifth client [0,100,100]: sorted columns 0,1,2,3,10 / 1,2,5,8,100 / -2,0,1,4,100
    Parameters median = Aggregation.median(vs(
        new float[] {1, 5, -2}, new float[] {3, 1, 0}, new float[] {10, 2, 4},
        new float[] {2, 8, 1}, new float[] {0, 100, 100}));

    assertThat(median.values()).containsExactly(2f, 5f, 1f);
  }

  @Test
  void trimmedMeanCutsIntOfBetaTimesNFromEachTail() {
    // n = 5, beta = 0.2: lowercut = int(0.2 * 5) = 1 per side (scipy's trim_mean)
    //   [1,2,3,4,50]      -> mean(2,3,4)  = 3.0   (mean 12.0, median 3)
    //   [-4,0,7,1,-100]   -> sorted -100,-4,0,1,7 -> mean(-4,0,1) = -1.0 (median 0)
    Parameters trimmed = Aggregation.trimmedMean(vs(
        new float[] {1, -4}, new float[] {2, 0}, new float[] {3, 7}, new float[] {4, 1},
        new float[] {50, -100}), 0.2);

    assertThat(trimmed.values()).containsExactly(3f, -1f);
  }

  @Test
  void trimmedMeanTruncatesTheCutLikePythonsInt() {
    // n = 4: int(0.2 * 4) = int(0.8) = 0 -> plain mean (1+2+4+100)/4 = 26.75;
    //        int(0.3 * 4) = int(1.2) = 1 -> mean(2, 4) = 3.0
    List<Parameters> four = vs(new float[] {1}, new float[] {2}, new float[] {4},
        new float[] {100});

    assertThat(Aggregation.trimmedMean(four, 0.2).values()).containsExactly(26.75f);
    assertThat(Aggregation.trimmedMean(four, 0.3).values()).containsExactly(3f);
    assertThatThrownBy(() -> Aggregation.trimmedMean(four, 0.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 0.5)");
  }

  @Test
  void squaredDistancesAreOverAllTensors() {
    // ab(1,2,5) vs ab(3,4,7): (1-3)^2 + (2-4)^2 + (5-7)^2 = 12, over both tensors
    double[][] d = Aggregation.squaredDistances(List.of(ab(1, 2, 5), ab(3, 4, 7)));

    assertThat(d[0][1]).isEqualTo(12.0);
    assertThat(d[1][0]).isEqualTo(12.0);
    assertThat(d[0][0]).isZero();
  }

  /** Five 2-d updates in an order where the best is not first. */
  private static List<Weighted> krumUpdates() {
    return List.of(w(100, 10, 10), w(1, 2, 0), w(1, 3, 3), w(3, 0, 1), w(1, 0, 0));
  }

  @Test
  void krumScoresSumTheDistancesToTheNMinusFMinus2Nearest() {
    // n = 5, f = 1: num_closest = max(1, 5 - 1 - 2) = 2. Squared distances, e.g. for [0,0]:
    //   to [2,0] 4, [3,3] 18, [0,1] 1, [10,10] 200 -> 1 + 4 = 5
    // python: [sum(sorted(d2(a,b) for b in K if b is not a)[:2]) for a in K]
    //   = [262, 9, 23, 6, 5]
    List<Parameters> p = krumUpdates().stream().map(Weighted::parameters).toList();
    double[] scores = Aggregation.krumScores(Aggregation.squaredDistances(p),
        List.of(0, 1, 2, 3, 4), 1);

    assertThat(scores).containsExactly(262, 9, 23, 6, 5);
  }

  @Test
  void krumPicksTheLowestScoredUpdate() {
    // scores [262, 9, 23, 6, 5] -> argmin = 4, the update [0,0], whatever the example counts
    assertThat(Aggregation.krum(krumUpdates(), 1, 0).values()).containsExactly(0f, 0f);
  }

  @Test
  void multiKrumAveragesTheBestScoredByTheirExamples() {
    // keep 2: scores 5 ([0,0], 1 example) and 6 ([0,1], 3 examples) -> (1*[0,0] + 3*[0,1]) / 4
    //   = [0, 0.75]; the 100-example outlier [10,10] is left out
    assertThat(Aggregation.krum(krumUpdates(), 1, 2).values()).containsExactly(0f, 0.75f);
    // keep 3 adds [2,0] (score 9, 1 example): (0 + 0 + 2) / 5, (0 + 3 + 0) / 5 = [0.4, 0.6]
    Parameters three = Aggregation.krum(krumUpdates(), 1, 3);
    assertThat(three.values()[0]).isCloseTo(0.4f, within(1e-6f));
    assertThat(three.values()[1]).isCloseTo(0.6f, within(1e-6f));
  }

  @Test
  void krumOfOneUpdateIsThatUpdate() {
    assertThat(Aggregation.krum(List.of(w(1, 3, 4)), 0, 0).values()).containsExactly(3f, 4f);
  }

  @Test
  void bulyanSelectsWithKrumThenAveragesTheBetaClosestToTheMedian() {
    // n = 7, f = 1: theta = n - 2f = 5 Krum picks, beta = theta - 2f = 3. Krum on the remaining
    // (python, Flower's aggregate_krum each time): picks [1,1.5], [2.5,1], [1,2], [0,0], [3,0.25];
    // the outliers [-50,40] and [100,100] are never picked.
    //   coordinate 0: picked 1, 2.5, 1, 0, 3 -> median 1; nearest 3: 1, 1, 0 -> 2/3
    //   coordinate 1: picked 1.5, 1, 2, 0, 0.25 -> median 1; nearest 3: 1, 1.5, 0.25 -> 2.75/3
    // (the plain mean would be [8.21, 20.68], the median [1, 1.5])
    Parameters bulyan = Aggregation.bulyan(List.of(w(1, 0, 0), w(1, 1, 2), w(1, 2.5f, 1),
        w(1, 1, 1.5f), w(1, 3, 0.25f), w(1, -50, 40), w(1, 100, 100)), 1);

    assertThat(bulyan.values()[0]).isCloseTo(2f / 3, within(1e-6f));
    assertThat(bulyan.values()[1]).isCloseTo(2.75f / 3, within(1e-6f));
  }

  @Test
  void bulyanRefusesFewerThan4FPlus3Updates() {
    List<Weighted> six = List.of(w(1, 0), w(1, 1), w(1, 2), w(1, 3), w(1, 4), w(1, 5));

    assertThatThrownBy(() -> Aggregation.bulyan(six, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4 * numMaliciousClients + 3 = 7").hasMessageContaining("got 6");
  }

  @Test
  void closestMeanAveragesPerCoordinate() {
    // reference [0, 10]; values per coordinate [1,-3,2] and [9,20,12]; beta 2:
    //   coordinate 0: |1|, |-3|, |2| -> 1 and 2 -> 1.5; coordinate 1: 1, 10, 2 -> 9, 12 -> 10.5
    Parameters mean = Aggregation.closestMean(v(0, 10),
        vs(new float[] {1, 9}, new float[] {-3, 20}, new float[] {2, 12}), 2);

    assertThat(mean.values()).containsExactly(1.5f, 10.5f);
  }

  // ---- server optimizers (fedavgm.py, fedadagrad.py, fedadam.py, fedyogi.py) --------------

  @Test
  void momentumStartsAsTheGradientThenAccumulates() {
    // first time: the pseudo-gradient itself; then 0.9 * [1, -2] + [0.5, 0.5] = [1.4, -1.3]
    float[] first = Aggregation.momentum(null, new float[] {1, -2}, 0.9);
    assertThat(first).containsExactly(1f, -2f);
    assertThat(Aggregation.momentum(first, new float[] {0.5f, 0.5f}, 0.9))
        .containsExactly(1.4f, -1.3f);
    // x - lr * d: [1, 1] - 0.5 * [1.4, -1.3] = [0.3, 1.65]
    assertThat(Aggregation.sgdStep(new float[] {1, 1}, new float[] {1.4f, -1.3f}, 0.5))
        .containsExactly(0.3f, 1.65f);
  }

  @Test
  void secondMomentRulesDifferAsFlowersDo() {
    float[] v = {0.5f, 0.04f};
    float[] delta = {0.2f, -0.5f};
    // d^2 = [0.04, 0.25]
    // Adagrad: v + d^2 = [0.54, 0.29]
    assertThat(Aggregation.adagradSecondMoment(v, delta))
        .containsExactly(new float[] {0.54f, 0.29f}, within(1e-7f));
    // Adam: 0.99 v + 0.01 d^2 = [0.495 + 0.0004, 0.0396 + 0.0025] = [0.4954, 0.0421]
    assertThat(Aggregation.adamSecondMoment(v, delta, 0.99))
        .containsExactly(new float[] {0.4954f, 0.0421f}, within(1e-7f));
    // Yogi: v - 0.01 d^2 sign(v - d^2): v > d^2 in coordinate 0 (v shrinks), v < d^2 in 1 (grows)
    //   = [0.5 - 0.0004, 0.04 + 0.0025] = [0.4996, 0.0425]
    assertThat(Aggregation.yogiSecondMoment(v, delta, 0.99))
        .containsExactly(new float[] {0.4996f, 0.0425f}, within(1e-7f));
    // the first time v is 0: Yogi's sign(0 - d^2) = -1 gives (1 - beta2) d^2, as Adam's
    assertThat(Aggregation.yogiSecondMoment(null, new float[] {0.5f}, 0.99))
        .containsExactly(0.0025f);
    assertThat(Aggregation.yogiSecondMoment(new float[] {0.25f}, new float[] {0.5f}, 0.99))
        .as("sign(0) = 0 leaves v unchanged").containsExactly(0.25f);
  }

  @Test
  void firstMomentAndAdaptiveStep() {
    // m = 0.9 * 0 + 0.1 * [0.25, -0.5] = [0.025, -0.05]
    float[] m = Aggregation.firstMoment(null, new float[] {0.25f, -0.5f}, 0.9);
    assertThat(m[0]).isCloseTo(0.025f, within(1e-9f));
    assertThat(m[1]).isCloseTo(-0.05f, within(1e-9f));
    // x + eta m / (sqrt(v) + tau): 1 + 0.1 * 0.5 / (sqrt(0.25) + 0.5) = 1.05
    assertThat(Aggregation.adaptiveStep(new float[] {1}, new float[] {0.5f}, new float[] {0.25f},
        0.1, 0.5)).containsExactly(1.05f);
  }

  @Test
  void adamBiasCorrectionUsesTheRoundPlusOneAsFlowerDoes() {
    // eta * sqrt(1 - 0.99^(t+1)) / (1 - 0.9^(t+1)):
    //   t = 1: 0.1 * sqrt(0.0199) / 0.19 = 0.07424597884
    //   t = 2: 0.1 * sqrt(1 - 0.970299) / (1 - 0.729) = 0.06359401501
    assertThat(Aggregation.adamBiasCorrectedEta(0.1, 0.9, 0.99, 1))
        .isCloseTo(0.07424597884, within(1e-11));
    assertThat(Aggregation.adamBiasCorrectedEta(0.1, 0.9, 0.99, 2))
        .isCloseTo(0.06359401501, within(1e-11));
  }

  // ---- differential privacy (flwr/common/differential_privacy.py) ------------------------

  @Test
  void clipUpdateScalesOnlyUpdatesAboveTheNorm() {
    // global [1,1]; client [4,5]: update [3,4], norm 5 > 2.5 -> scale 0.5 -> [1,1] + [1.5,2]
    assertThat(Aggregation.clipUpdate(v(4, 5), v(1, 1), 2.5).values())
        .containsExactly(2.5f, 3f);
    // client [1.5,1]: update [0.5,0], norm 0.5 <= 2.5 -> unchanged
    assertThat(Aggregation.clipUpdate(v(1.5f, 1), v(1, 1), 2.5).values())
        .containsExactly(1.5f, 1f);
    // no update at all: 2.5 / 0 is infinite, min(1, inf) = 1
    assertThat(Aggregation.clipUpdate(v(1, 1), v(1, 1), 2.5).values()).containsExactly(1f, 1f);
    // the norm is over all tensors: ab(1,2,5) - ab(0,0,3): [1,2,2], norm 3 -> clip to 1.5: half
    assertThat(Aggregation.clipUpdate(ab(1, 2, 5), ab(0, 0, 3), 1.5).values())
        .containsExactly(0.5f, 1f, 4f);
  }

  @Test
  void dpNoiseStddevIsFlowersComputeStdv() {
    // noise_multiplier * clipping_norm / num_sampled_clients = 1.2 * 2.5 / 10 = 0.3
    assertThat(Aggregation.dpNoiseStddev(1.2, 2.5, 10)).isCloseTo(0.3, within(1e-15));
  }

  @Test
  void gaussianNoiseHasTheStddevAndIsSeeded() {
    Parameters zeros = v(new float[20_000]);

    float[] noise = Aggregation.addGaussianNoise(zeros, 1.25,
        new java.util.SplittableRandom(7)).values();

    double sum = 0;
    double squares = 0;
    for (float x : noise) {
      sum += x;
      squares += (double) x * x;
    }
    double mean = sum / noise.length;
    // the sample std of 20000 draws is within 1% of 1.25 (its standard error is 0.5%)
    assertThat(Math.sqrt(squares / noise.length - mean * mean)).isCloseTo(1.25, within(0.02));
    assertThat(mean).isCloseTo(0, within(0.03));
    assertThat(Aggregation.addGaussianNoise(zeros, 1.25, new java.util.SplittableRandom(7))
        .values()).containsExactly(noise);
    assertThat(Aggregation.addGaussianNoise(zeros, 1.25, new java.util.SplittableRandom(8))
        .values()).isNotEqualTo(noise);
  }
}

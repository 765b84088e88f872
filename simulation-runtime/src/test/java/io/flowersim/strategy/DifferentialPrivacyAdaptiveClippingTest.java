package io.flowersim.strategy;

import static io.flowersim.strategy.StrategyTesting.fit;
import static io.flowersim.strategy.StrategyTesting.p;
import static io.flowersim.strategy.StrategyTesting.results;
import static io.flowersim.strategy.StrategyTesting.round;
import static io.flowersim.strategy.StrategyTesting.summed;
import static io.flowersim.strategy.StrategyTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.ConfigKeys;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adaptive clipping (Andrew et al.) on the server and on the client, and client-side fixed
 * clipping, against Flower's dp_adaptive_clipping.py, dp_fixed_clipping.py and
 * differential_privacy.py, on fixed vectors.
 */
class DifferentialPrivacyAdaptiveClippingTest {

  private static final Parameters GLOBAL = p(1, 1);

  /** Updates of norms 5, 0.5 and 0.2 from [1,1]: at norm 2.5 one is clipped, two are not. */
  private static RoundResults<FitResult> threeUpdates() {
    return results(fit(1, 4, 5), fit(1, 1.5f, 1), fit(1, 1, 1.2f));
  }

  private static DifferentialPrivacyServerSideAdaptiveClipping serverSide(double noiseMultiplier,
      Double countStddev) {
    return new DifferentialPrivacyServerSideAdaptiveClipping(FedAvg.builder().build(),
        noiseMultiplier, 3, 2.5, 0.5, 0.2, countStddev, 1);
  }

  @Test
  void serverSideClipsToTheCurrentNormThenStepsItGeometrically() {
    DifferentialPrivacyServerSideAdaptiveClipping dp = serverSide(0, null);

    FitAggregate aggregate = round(dp, 1, GLOBAL, threeUpdates());

    // clipped updates [2.5,3], [1.5,1], [1,1.2]; FedAvg: [5/3, 5.2/3]
    assertThat(values(aggregate)[0]).isCloseTo(1.6666666f, within(1e-6f));
    assertThat(values(aggregate)[1]).isCloseTo(1.7333333f, within(1e-6f));
    // unclipped 2 of 3 (no noise): 2.5 * exp(-0.2 * (2/3 - 0.5)) = 2.4180402
    assertThat(dp.clippingNorm()).isCloseTo(2.4180402, within(1e-6));
    assertThat(aggregate.metrics())
        .containsEntry(DifferentialPrivacyWrapper.CLIPPING_NORM, 2.5)
        .containsEntry(DifferentialPrivacyWrapper.NOISE_STDDEV, 0.0);
    assertThat(aggregate.metrics().get(
        DifferentialPrivacyServerSideAdaptiveClipping.UNCLIPPED_FRACTION))
        .isCloseTo(2.0 / 3, within(1e-12));
  }

  @Test
  void theNormFallsWhileMoreThanTheTargetAreUnclippedAndRisesWhileFewerAre() {
    DifferentialPrivacyServerSideAdaptiveClipping dp = serverSide(0, null);
    // all three unclipped at norm 2.5 when the updates are small: 2.5 * exp(-0.2 * 0.5)
    round(dp, 1, GLOBAL, results(fit(1, 1.1f, 1), fit(1, 1, 1.1f), fit(1, 1, 1)));
    assertThat(dp.clippingNorm()).isCloseTo(2.2620935, within(1e-6));
    // none unclipped: 2.2620935 * exp(-0.2 * -0.5) = 2.5
    round(dp, 2, GLOBAL, results(fit(1, 9, 9), fit(1, -9, 9), fit(1, 9, -9)));
    assertThat(dp.clippingNorm()).isCloseTo(2.5, within(1e-6));
  }

  @Test
  void theNoiseIsDrawnAtTheNewNormWithTheLoweredMultiplier() {
    // z = 1, count stddev 1: updates' multiplier (1 - (2*1)^-2)^-1/2 = 1.1547005;
    // stddev 1.1547005 * new norm / 3 (the count's noise makes the new norm random)
    DifferentialPrivacyServerSideAdaptiveClipping dp = serverSide(1, 1.0);

    FitAggregate aggregate = round(dp, 1, GLOBAL, threeUpdates());

    assertThat(aggregate.metrics().get(DifferentialPrivacyWrapper.NOISE_STDDEV))
        .isCloseTo(1.1547005 * dp.clippingNorm() / 3, within(1e-6));
    assertThat(dp.clippingNorm()).isNotEqualTo(2.4180402);
  }

  @Test
  void refusesACountNoiseThatLeavesNoPrivacyForTheUpdatesAsFlowerDoes() {
    // default count stddev 3 / 20 = 0.15, and z = 1 >= 2 * 0.15
    assertThatThrownBy(() -> serverSide(1, null)).hasMessageContaining("clippedCountStddev");
    assertThatThrownBy(() -> new DifferentialPrivacyServerSideAdaptiveClipping(
        FedAvg.builder().build(), 0, 3, 2.5, 1.5, 0.2, null, 1))
        .hasMessageContaining("targetClippedQuantile");
  }

  @Test
  void theNormAndTheNoisePositionResume() {
    DifferentialPrivacyServerSideAdaptiveClipping first = serverSide(1, 1.0);
    round(first, 1, GLOBAL, threeUpdates());
    DifferentialPrivacyServerSideAdaptiveClipping resumed = serverSide(1, 1.0);
    resumed.restoreState(first.saveState());

    assertThat(resumed.clippingNorm()).isEqualTo(first.clippingNorm());
    assertThat(values(round(resumed, 2, GLOBAL, threeUpdates())))
        .containsExactly(values(round(first, 2, GLOBAL, threeUpdates())));
  }

  // ---- client side ---------------------------------------------------------------------------

  /** Results as the clients' ClippingClient returns them, with the norm bits given. */
  private static RoundResults<FitResult> withNormBits(RoundResults<FitResult> results,
      double... bits) {
    List<ClientResult<FitResult>> out = new ArrayList<>();
    for (int i = 0; i < bits.length; i++) {
      FitResult r = results.results().get(i).result();
      out.add(new ClientResult<>(i, new FitResult(r.parameters(), r.numExamples(),
          Map.of("train_loss", 1.0, ConfigKeys.NORM_BIT, bits[i]))));
    }
    return new RoundResults<>(out, List.of());
  }

  @Test
  void clientSideFixedSendsTheNormAndOnlyNoisesWhatItGets() {
    DifferentialPrivacyClientSideFixedClipping dp = new DifferentialPrivacyClientSideFixedClipping(
        FedAvg.builder().build(), 0, 2.5, 3, 1);

    List<ClientInstruction> instructions = dp.configureFit(1, GLOBAL, new ClientManager(3, 1));
    FitAggregate aggregate = dp.aggregateFit(1, threeUpdates());

    assertThat(instructions).allSatisfy(i ->
        assertThat(i.config().getDouble(ConfigKeys.CLIPPING_NORM, 0)).isEqualTo(2.5));
    assertThat(instructions).allSatisfy(i ->
        assertThat(i.config().has(ConfigKeys.REPORT_NORM_BIT)).isFalse());
    // the server does not clip: plain FedAvg of [4,5], [1.5,1], [1,1.2]
    assertThat(values(aggregate)[0]).isCloseTo(6.5f / 3, within(1e-6f));
    assertThat(aggregate.metrics()).containsEntry(DifferentialPrivacyWrapper.CLIPPING_NORM, 2.5);
    // the updates are clipped where they come from, so the engine may sum them for FedAvg
    assertThat(dp.aggregatesMeanOfUpdates()).isTrue();
    assertThat(new DifferentialPrivacyClientSideFixedClipping(FedMedian.builder().build(), 0, 1,
        1, 1).aggregatesMeanOfUpdates()).isFalse();
  }

  @Test
  void clientSideAdaptiveStepsTheNormFromTheClientsNormBits() {
    DifferentialPrivacyClientSideAdaptiveClipping dp =
        new DifferentialPrivacyClientSideAdaptiveClipping(FedAvg.builder().build(), 0, 3, 2.5,
            0.5, 0.2, null, 1);

    List<ClientInstruction> instructions = dp.configureFit(1, GLOBAL, new ClientManager(3, 1));
    FitAggregate aggregate = dp.aggregateFit(1, summed(withNormBits(threeUpdates(), 0, 1, 1)));

    assertThat(instructions).allSatisfy(i -> {
      assertThat(i.config().getDouble(ConfigKeys.CLIPPING_NORM, 0)).isEqualTo(2.5);
      assertThat(i.config().getBoolean(ConfigKeys.REPORT_NORM_BIT, false)).isTrue();
    });
    assertThat(dp.clippingNorm()).isCloseTo(2.4180402, within(1e-6));
    assertThat(values(aggregate)[0]).isCloseTo(6.5f / 3, within(1e-6f));
    // the plain mean of the bits would tell the unnoised count: it is not reported
    assertThat(aggregate.metrics()).doesNotContainKey("fit_" + ConfigKeys.NORM_BIT)
        .doesNotContainKey(ConfigKeys.NORM_BIT).containsKey("train_loss");
    // the next round's clients get the new norm
    assertThat(dp.configureFit(2, GLOBAL, new ClientManager(3, 1)).get(0).config()
        .getDouble(ConfigKeys.CLIPPING_NORM, 0)).isCloseTo(2.4180402, within(1e-6));
  }

  @Test
  void clientSideAdaptiveRefusesAResultWithoutTheNormBit() {
    DifferentialPrivacyClientSideAdaptiveClipping dp =
        new DifferentialPrivacyClientSideAdaptiveClipping(FedAvg.builder().build(), 0, 3, 2.5,
            0.5, 0.2, null, 1);
    dp.configureFit(1, GLOBAL, new ClientManager(3, 1));

    assertThatThrownBy(() -> dp.aggregateFit(1, threeUpdates()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("norm_bit")
        .hasMessageContaining("client 0");
  }
}

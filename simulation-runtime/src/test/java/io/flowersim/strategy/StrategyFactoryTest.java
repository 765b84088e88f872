package io.flowersim.strategy;

import static io.flowersim.strategy.StrategyTesting.fit;
import static io.flowersim.strategy.StrategyTesting.p;
import static io.flowersim.strategy.StrategyTesting.results;
import static io.flowersim.strategy.StrategyTesting.round;
import static io.flowersim.strategy.StrategyTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowersim.api.v1alpha1.spec.DifferentialPrivacyClipping;
import io.flowersim.api.v1alpha1.spec.DifferentialPrivacySide;
import io.flowersim.api.v1alpha1.spec.DifferentialPrivacySpec;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.task.TestingTask;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class StrategyFactoryTest {

  private static StrategySpec spec(StrategyName name) {
    StrategySpec spec = new StrategySpec();
    spec.name = name;
    spec.fractionFit = 0.5;
    spec.minFitClients = 3;
    if (name == StrategyName.FED_PROX) {
      spec.proximalMu = 0.1;
    }
    if (name == StrategyName.MULTI_KRUM) {
      spec.numClientsToKeep = 2;
    }
    return spec;
  }

  /** {@code name} wrapped in server-side DP clipping. */
  private static StrategySpec withDifferentialPrivacy(StrategyName name, double clippingNorm) {
    StrategySpec spec = spec(name);
    spec.differentialPrivacy = new DifferentialPrivacySpec();
    spec.differentialPrivacy.noiseMultiplier = 1.0;
    spec.differentialPrivacy.clippingNorm = clippingNorm;
    return spec;
  }

  private static Strategy create(StrategySpec spec) {
    return StrategyFactory.create(spec, new TestingTask(), 10);
  }

  @ParameterizedTest
  @EnumSource(StrategyName.class)
  void everyNameBuildsTheClassOfThatNameWithTheSamplingKnobs(StrategyName name) {
    Strategy strategy = create(spec(name));

    assertThat(strategy.getClass().getSimpleName()).isEqualTo(name.jsonName());
    SamplingStrategy fedAvg = (SamplingStrategy) strategy;
    // max(int(10 * 0.5), 3) = 5
    assertThat(fedAvg.numFitClients(10)).containsExactly(5, 2);
    assertThat(strategy.toString()).startsWith(name.jsonName() + "(fractionFit=0.5");
  }

  /** The moment decays go to FedAdam and FedYogi only: FedAdagrad refuses them, as validate does. */
  @Test
  void betaValuesReachOnlyTheStrategiesWithMoments() {
    StrategySpec adam = spec(StrategyName.FED_ADAM);
    adam.beta1 = 0.8;
    adam.beta2 = 0.7;
    assertThat(create(adam).toString()).contains("beta1=0.8, beta2=0.7");

    StrategySpec adagrad = spec(StrategyName.FED_ADAGRAD);
    assertThat(create(adagrad).toString()).contains("beta1=0.0, beta2=0.0");
    adagrad.beta1 = 0.8;
    assertThatThrownBy(() -> create(adagrad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("spec.strategy.beta1 applies only to FedAdam, FedYogi, not to FedAdagrad "
            + "(spec.strategy.name)");
  }

  @ParameterizedTest
  @EnumSource(StrategyName.class)
  void onlyTheFedAvgFamilyLetsTheEngineSumTheUpdates(StrategyName name) {
    // Scaffold's replies are model and control-variate change in one array: their mean is both
    boolean meanOnly = EnumSet.of(StrategyName.FED_AVG, StrategyName.FED_PROX,
        StrategyName.FED_AVG_M, StrategyName.FED_ADAGRAD, StrategyName.FED_ADAM,
        StrategyName.FED_YOGI, StrategyName.SCAFFOLD).contains(name);

    assertThat(create(spec(name)).aggregatesMeanOfUpdates()).isEqualTo(meanOnly);
  }

  @Test
  void strategySettingsReachTheStrategy() {
    StrategySpec avgM = spec(StrategyName.FED_AVG_M);
    avgM.serverLearningRate = 0.7;
    avgM.serverMomentum = 0.9;
    FedAvgM fedAvgM = (FedAvgM) create(avgM);
    assertThat(fedAvgM.serverLearningRate).isEqualTo(0.7);
    assertThat(fedAvgM.serverMomentum).isEqualTo(0.9);

    StrategySpec yogi = spec(StrategyName.FED_YOGI);
    yogi.eta = 0.2;
    yogi.etaL = 0.3;
    yogi.beta1 = 0.5;
    yogi.beta2 = 0.6;
    yogi.tau = 0.01;
    FedYogi fedYogi = (FedYogi) create(yogi);
    assertThat(Arrays.asList(fedYogi.eta, fedYogi.etaL, fedYogi.beta1, fedYogi.beta2,
        fedYogi.tau)).containsExactly(0.2, 0.3, 0.5, 0.6, 0.01);

    StrategySpec trimmed = spec(StrategyName.FED_TRIMMED_AVG);
    trimmed.beta = 0.1;
    assertThat(((FedTrimmedAvg) create(trimmed)).beta).isEqualTo(0.1);

    StrategySpec multiKrum = spec(StrategyName.MULTI_KRUM);
    multiKrum.numMaliciousClients = 1;
    MultiKrum mk = (MultiKrum) create(multiKrum);
    assertThat(mk.numMaliciousClients).isEqualTo(1);
    assertThat(mk.numClientsToKeep).isEqualTo(2);

    StrategySpec bulyan = spec(StrategyName.BULYAN);
    bulyan.numMaliciousClients = 2;
    assertThat(((Bulyan) create(bulyan)).numMaliciousClients).isEqualTo(2);

    FedProx fedProx = (FedProx) create(spec(StrategyName.FED_PROX));
    assertThat(fedProx.proximalMu).isEqualTo(0.1);
  }

  @Test
  void fieldsLeftOutKeepFlowersDefaults() {
    FedAdam adam = (FedAdam) create(spec(StrategyName.FED_ADAM));
    FedYogi yogi = (FedYogi) create(spec(StrategyName.FED_YOGI));
    FedAvgM avgM = (FedAvgM) create(spec(StrategyName.FED_AVG_M));

    assertThat(adam.eta).isEqualTo(0.1);
    assertThat(adam.tau).isEqualTo(1e-9);
    assertThat(yogi.eta).isEqualTo(0.01);
    assertThat(yogi.tau).isEqualTo(1e-3);
    assertThat(avgM.serverLearningRate).isEqualTo(1.0);
    assertThat(((FedTrimmedAvg) create(spec(StrategyName.FED_TRIMMED_AVG))).beta).isEqualTo(0.2);
    assertThat(((Krum) create(spec(StrategyName.KRUM))).numClientsToKeep).isZero();
  }

  @Test
  void requiredFieldsAreRefusedWhenMissing() {
    StrategySpec prox = spec(StrategyName.FED_PROX);
    prox.proximalMu = null;
    StrategySpec multiKrum = spec(StrategyName.MULTI_KRUM);
    multiKrum.numClientsToKeep = null;

    assertThatThrownBy(() -> create(prox)).hasMessageContaining("spec.strategy.proximalMu");
    assertThatThrownBy(() -> create(multiKrum))
        .hasMessageContaining("spec.strategy.numClientsToKeep");
  }

  @Test
  void differentialPrivacyWrapsTheNamedStrategy() {
    StrategySpec spec = withDifferentialPrivacy(StrategyName.FED_MEDIAN, 2.0);

    Strategy strategy = create(spec);

    assertThat(strategy).isInstanceOf(DifferentialPrivacyServerSideFixedClipping.class);
    assertThat(strategy.toString()).contains("numSampledClients=5").contains("of FedMedian(");
    // numSampledClients defaults to the fit sample size, max(int(10 * 0.5), 3) = 5: 1 * 2 / 5
    assertThat(((DifferentialPrivacyServerSideFixedClipping) strategy).noiseStddev())
        .isEqualTo(0.4);
    spec.differentialPrivacy.numSampledClients = 8;
    assertThat(((DifferentialPrivacyServerSideFixedClipping) create(spec)).noiseStddev())
        .isEqualTo(0.25);
  }

  @Test
  void differentialPrivacyClipsEachUpdateSoTheEngineMustNotSumThem() {
    Strategy strategy = create(withDifferentialPrivacy(StrategyName.FED_AVG, 2.0));

    assertThat(strategy).isInstanceOf(DifferentialPrivacyServerSideFixedClipping.class);
    assertThat(strategy.aggregatesMeanOfUpdates()).isFalse();
  }

  @Test
  void clippingAndSideChooseOneOfFlowersFourWrappers() {
    StrategySpec spec = withDifferentialPrivacy(StrategyName.FED_AVG, 2.0);
    spec.differentialPrivacy.noiseMultiplier = 0.0;
    spec.differentialPrivacy.side = DifferentialPrivacySide.CLIENT;
    assertThat(create(spec)).isInstanceOf(DifferentialPrivacyClientSideFixedClipping.class);

    spec.differentialPrivacy.clipping = DifferentialPrivacyClipping.ADAPTIVE;
    assertThat(create(spec)).isInstanceOf(DifferentialPrivacyClientSideAdaptiveClipping.class);

    spec.differentialPrivacy.side = null;
    spec.differentialPrivacy.clippingNorm = null;
    Strategy adaptive = create(spec);
    assertThat(adaptive).isInstanceOf(DifferentialPrivacyServerSideAdaptiveClipping.class);
    // without clippingNorm the norm starts at Flower's initial_clipping_norm, 0.1
    assertThat(((DifferentialPrivacyServerSideAdaptiveClipping) adaptive).clippingNorm())
        .isEqualTo(0.1);
    assertThat(adaptive.toString()).contains("targetClippedQuantile=0.5")
        .contains("clipNormLearningRate=0.2").contains("clippedCountStddev=0.0");
  }

  @Test
  void theSeedSeedsTheNoise() {
    StrategySpec spec = withDifferentialPrivacy(StrategyName.FED_AVG, 1.0);

    float[] a = values(round(StrategyFactory.create(spec, new TestingTask(), 10, 7), 1, p(0, 0),
        results(fit(1, 0, 0))));
    float[] b = values(round(StrategyFactory.create(spec, new TestingTask(), 10, 7), 1, p(0, 0),
        results(fit(1, 0, 0))));
    float[] c = values(round(StrategyFactory.create(spec, new TestingTask(), 10, 8), 1, p(0, 0),
        results(fit(1, 0, 0))));

    assertThat(b).containsExactly(a);
    assertThat(c).isNotEqualTo(a);
  }
}

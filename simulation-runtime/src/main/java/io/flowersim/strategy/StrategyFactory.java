package io.flowersim.strategy;

import io.flowersim.api.v1alpha1.spec.DifferentialPrivacyClipping;
import io.flowersim.api.v1alpha1.spec.DifferentialPrivacySide;
import io.flowersim.api.v1alpha1.spec.DifferentialPrivacySpec;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.spec.StrategyArguments;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.client.Config;
import io.flowersim.client.ConfigKeys;
import io.flowersim.task.FederatedTask;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.Parameters;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Builds the strategy that spec.strategy names, wired to the task's centralized evaluation, and
 * wraps it in differential privacy when spec.strategy.differentialPrivacy is set. What a strategy
 * takes, and the defaults of fields left out (Flower's), its StrategyName says: the same
 * declaration the validator checks against, so a field it accepts is one built here.
 */
public final class StrategyFactory {

  private StrategyFactory() {}

  /** As {@link #create(StrategySpec, FederatedTask, int, long)} with the default spec.seed. */
  public static Strategy create(StrategySpec spec, FederatedTask task, int clientCount) {
    return create(spec, task, clientCount, FlowerSimulationSpec.DEFAULT_SEED);
  }

  /**
   * @param clientCount spec.clients.count: Flower's default minimum of 2 clients is lowered to the
   *     population when it is smaller, so a one-client simulation runs without extra settings
   * @param seed spec.seed: seeds what the strategy draws at random (the DP noise)
   */
  public static Strategy create(StrategySpec spec, FederatedTask task, int clientCount,
      long seed) {
    return create(spec, task::evaluateCentralized, clientCount, seed);
  }

  /**
   * As {@link #create(StrategySpec, FederatedTask, int, long)}, with the server-side evaluation
   * given as a function (a Flower App's: its spec.flowerApp.evaluateFn, or none).
   */
  public static Strategy create(StrategySpec spec,
      BiFunction<Integer, Parameters, Optional<EvaluateResult>> evaluateCentralized,
      int clientCount, long seed) {
    Config fitConfig = Config.of(spec.fitConfig);
    Config evaluateConfig = Config.of(spec.evaluateConfig);
    StrategyArguments arguments = StrategyArguments.of(spec);
    SamplingStrategy.Builder<?> builder = builder(arguments.name()).arguments(arguments);
    ifSet(spec.fractionFit, builder::fractionFit);
    ifSet(spec.fractionEvaluate, builder::fractionEvaluate);
    int defaultMinimum = Math.min(2, clientCount);
    builder.minFitClients(spec.minFitClients != null ? spec.minFitClients : defaultMinimum);
    builder.minEvaluateClients(
        spec.minEvaluateClients != null ? spec.minEvaluateClients : defaultMinimum);
    builder.minAvailableClients(
        spec.minAvailableClients != null ? spec.minAvailableClients : defaultMinimum);
    ifSet(spec.acceptFailures, builder::acceptFailures);
    SamplingStrategy strategy = builder
        .evaluateFn(evaluateCentralized)
        .onFitConfig(round -> fitConfig.with(ConfigKeys.SERVER_ROUND, round))
        .onEvaluateConfig(round -> evaluateConfig.with(ConfigKeys.SERVER_ROUND, round))
        .build();
    DifferentialPrivacySpec dp = spec.differentialPrivacy;
    if (dp == null) {
      return strategy;
    }
    int sampled = dp.numSampledClients != null ? dp.numSampledClients
        : strategy.numFitClients(clientCount)[0];
    return differentialPrivacy(dp, strategy, sampled, seed);
  }

  /** The one of Flower's four wrappers that {@code dp} names by its clipping and side. */
  private static Strategy differentialPrivacy(DifferentialPrivacySpec dp, Strategy strategy,
      int sampled, long seed) {
    double noiseMultiplier = required(dp.noiseMultiplier, "differentialPrivacy.noiseMultiplier",
        "differential privacy");
    boolean client = dp.sideOrDefault() == DifferentialPrivacySide.CLIENT;
    if (dp.clippingOrDefault() == DifferentialPrivacyClipping.FIXED) {
      double clippingNorm = required(dp.clippingNorm, "differentialPrivacy.clippingNorm",
          "fixed clipping");
      return client
          ? new DifferentialPrivacyClientSideFixedClipping(strategy, noiseMultiplier,
              clippingNorm, sampled, seed)
          : new DifferentialPrivacyServerSideFixedClipping(strategy, noiseMultiplier,
              clippingNorm, sampled, seed);
    }
    double initial = dp.clippingNorm != null ? dp.clippingNorm
        : DifferentialPrivacySpec.DEFAULT_INITIAL_CLIPPING_NORM;
    double quantile = dp.targetClippedQuantile != null ? dp.targetClippedQuantile
        : DifferentialPrivacySpec.DEFAULT_TARGET_CLIPPED_QUANTILE;
    double rate = dp.clipNormLearningRate != null ? dp.clipNormLearningRate
        : DifferentialPrivacySpec.DEFAULT_CLIP_NORM_LEARNING_RATE;
    return client
        ? new DifferentialPrivacyClientSideAdaptiveClipping(strategy, noiseMultiplier, sampled,
            initial, quantile, rate, dp.clippedCountStddev, seed)
        : new DifferentialPrivacyServerSideAdaptiveClipping(strategy, noiseMultiplier, sampled,
            initial, quantile, rate, dp.clippedCountStddev, seed);
  }

  /**
   * The class of each name. Its builder takes the options the name declares
   * ({@link SamplingStrategy.Builder#arguments}); a new strategy is its class, its StrategyName
   * constant and its line here.
   */
  static SamplingStrategy.Builder<?> builder(StrategyName name) {
    return switch (name) {
      case FED_AVG -> FedAvg.builder();
      case FED_PROX -> FedProx.builder();
      case FED_AVG_M -> FedAvgM.builder();
      case FED_ADAGRAD -> FedAdagrad.builder();
      case FED_ADAM -> FedAdam.builder();
      case FED_YOGI -> FedYogi.builder();
      case FED_MEDIAN -> FedMedian.builder();
      case FED_TRIMMED_AVG -> FedTrimmedAvg.builder();
      case KRUM -> Krum.builder();
      case MULTI_KRUM -> MultiKrum.builder();
      case BULYAN -> Bulyan.builder();
      case Q_FED_AVG -> QFedAvg.builder();
      case SCAFFOLD -> Scaffold.builder();
    };
  }

  private static <T> void ifSet(T value, Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  /** The validator reports a missing required field first; this guards direct callers. */
  private static <T> T required(T value, String field, String strategy) {
    if (value == null) {
      throw new IllegalArgumentException("spec.strategy." + field + " is required for "
          + strategy);
    }
    return value;
  }
}

package io.flowersim.strategy;

import io.flowersim.api.v1alpha1.spec.DifferentialPrivacySpec;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.client.Config;
import io.flowersim.client.ConfigKeys;
import io.flowersim.task.FederatedTask;
import java.util.function.Consumer;

/**
 * Builds the strategy that spec.strategy names, wired to the task's centralized evaluation, and
 * wraps it in differential privacy when spec.strategy.differentialPrivacy is set. Fields left out
 * keep the strategy's defaults, which are Flower's.
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
    Config fitConfig = Config.of(spec.fitConfig);
    Config evaluateConfig = Config.of(spec.evaluateConfig);
    SamplingStrategy.Builder<?> builder = switch (spec.nameOrDefault()) {
      case FED_AVG -> FedAvg.builder();
      case FED_PROX -> FedProx.builder()
          .proximalMu(required(spec.proximalMu, "proximalMu", "FedProx"));
      case FED_AVG_M -> fedAvgM(spec);
      case FED_ADAGRAD -> fedOpt(FedAdagrad.builder(), spec);
      case FED_ADAM -> withMoments(fedOpt(FedAdam.builder(), spec), spec);
      case FED_YOGI -> withMoments(fedOpt(FedYogi.builder(), spec), spec);
      case FED_MEDIAN -> FedMedian.builder();
      case FED_TRIMMED_AVG -> fedTrimmedAvg(spec);
      case KRUM -> krum(Krum.builder(), spec);
      case MULTI_KRUM -> krum(MultiKrum.builder(), spec)
          .numClientsToKeep(required(spec.numClientsToKeep, "numClientsToKeep", "MultiKrum"));
      case BULYAN -> bulyan(spec);
    };
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
        .evaluateFn(task::evaluateCentralized)
        .onFitConfig(round -> fitConfig.with(ConfigKeys.SERVER_ROUND, round))
        .onEvaluateConfig(round -> evaluateConfig.with(ConfigKeys.SERVER_ROUND, round))
        .build();
    DifferentialPrivacySpec dp = spec.differentialPrivacy;
    if (dp == null) {
      return strategy;
    }
    int sampled = dp.numSampledClients != null ? dp.numSampledClients
        : strategy.numFitClients(clientCount)[0];
    return new DifferentialPrivacyServerSideFixedClipping(strategy,
        required(dp.noiseMultiplier, "differentialPrivacy.noiseMultiplier", "differential privacy"),
        required(dp.clippingNorm, "differentialPrivacy.clippingNorm", "differential privacy"),
        sampled, seed);
  }

  private static FedAvgM.Builder fedAvgM(StrategySpec spec) {
    FedAvgM.Builder b = FedAvgM.builder();
    ifSet(spec.serverLearningRate, b::serverLearningRate);
    ifSet(spec.serverMomentum, b::serverMomentum);
    return b;
  }

  private static <B extends FedOpt.Builder<B>> B fedOpt(B b, StrategySpec spec) {
    ifSet(spec.eta, b::eta);
    ifSet(spec.etaL, b::etaL);
    ifSet(spec.tau, b::tau);
    return b;
  }

  /** FedAdam's and FedYogi's moment decays; FedAdagrad has none (Flower passes it 0 and 0). */
  private static <B extends FedOpt.Builder<B>> B withMoments(B b, StrategySpec spec) {
    ifSet(spec.beta1, b::beta1);
    ifSet(spec.beta2, b::beta2);
    return b;
  }

  private static FedTrimmedAvg.Builder fedTrimmedAvg(StrategySpec spec) {
    FedTrimmedAvg.Builder b = FedTrimmedAvg.builder();
    ifSet(spec.beta, b::beta);
    return b;
  }

  private static <B extends Krum.Builder<?>> B krum(B b, StrategySpec spec) {
    ifSet(spec.numMaliciousClients, b::numMaliciousClients);
    return b;
  }

  private static Bulyan.Builder bulyan(StrategySpec spec) {
    Bulyan.Builder b = Bulyan.builder();
    ifSet(spec.numMaliciousClients, b::numMaliciousClients);
    return b;
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

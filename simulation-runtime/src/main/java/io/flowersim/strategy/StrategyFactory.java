package io.flowersim.strategy;

import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.client.Config;
import io.flowersim.task.FederatedTask;

/** Builds the strategy that spec.strategy names, wired to the task's centralized evaluation. */
public final class StrategyFactory {

  /** The key with which the server tells a client which round it is in (as Flower's examples). */
  public static final String SERVER_ROUND = "server_round";

  private StrategyFactory() {}

  /**
   * @param clientCount spec.clients.count: Flower's default minimum of 2 clients is lowered to the
   *     population when it is smaller, so a one-client simulation runs without extra settings
   */
  public static Strategy create(StrategySpec spec, FederatedTask task, int clientCount) {
    Config fitConfig = Config.of(spec.fitConfig);
    Config evaluateConfig = Config.of(spec.evaluateConfig);
    FedAvg.Builder<?> builder = switch (spec.nameOrDefault()) {
      case FED_AVG -> FedAvg.builder();
    };
    if (spec.fractionFit != null) {
      builder.fractionFit(spec.fractionFit);
    }
    if (spec.fractionEvaluate != null) {
      builder.fractionEvaluate(spec.fractionEvaluate);
    }
    int defaultMinimum = Math.min(2, clientCount);
    builder.minFitClients(spec.minFitClients != null ? spec.minFitClients : defaultMinimum);
    builder.minEvaluateClients(
        spec.minEvaluateClients != null ? spec.minEvaluateClients : defaultMinimum);
    builder.minAvailableClients(
        spec.minAvailableClients != null ? spec.minAvailableClients : defaultMinimum);
    if (spec.acceptFailures != null) {
      builder.acceptFailures(spec.acceptFailures);
    }
    return builder
        .evaluateFn(task::evaluateCentralized)
        .onFitConfig(round -> fitConfig.with(SERVER_ROUND, round))
        .onEvaluateConfig(round -> evaluateConfig.with(SERVER_ROUND, round))
        .build();
  }
}

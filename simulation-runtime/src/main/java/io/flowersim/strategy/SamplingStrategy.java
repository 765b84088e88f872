package io.flowersim.strategy;

import io.flowersim.api.v1alpha1.spec.StrategyArguments;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.IntFunction;

/**
 * Everything of Flower's FedAvg but how the updates become the new global parameters: its knobs,
 * its sampling ({@code max(int(available * fraction), minClients)} clients, and nothing while
 * fewer than minAvailableClients exist), configs, metrics and evaluation. A strategy extends one of
 * its two bases, which fix {@link #aggregatesMeanOfUpdates()} by what they let a subclass override:
 * {@link MeanAggregatingStrategy} (a server step on the mean of the updates, which an engine may
 * sum where the clients ran) or {@link UpdateAggregatingStrategy} (a function of every update).
 */
public abstract class SamplingStrategy implements Strategy {

  protected final double fractionFit;
  protected final double fractionEvaluate;
  protected final int minFitClients;
  protected final int minEvaluateClients;
  protected final int minAvailableClients;
  protected final boolean acceptFailures;
  protected final Parameters initialParameters;
  protected final BiFunction<Integer, Parameters, Optional<EvaluateResult>> evaluateFn;
  protected final IntFunction<Config> onFitConfig;
  protected final IntFunction<Config> onEvaluateConfig;
  protected final MetricsAggregation fitMetricsAggregation;
  protected final MetricsAggregation evaluateMetricsAggregation;
  /**
   * The global parameters of the round being aggregated (Flower's server-optimizing strategies
   * keep their own copy; here configureFit records what the server hands out).
   */
  protected Parameters globalParameters;

  protected SamplingStrategy(Builder<?> b) {
    if (!(b.fractionFit > 0 && b.fractionFit <= 1)) {
      throw new IllegalArgumentException("fractionFit must be in (0, 1], got " + b.fractionFit);
    }
    if (!(b.fractionEvaluate > 0 && b.fractionEvaluate <= 1)) {
      throw new IllegalArgumentException("fractionEvaluate must be in (0, 1], got "
          + b.fractionEvaluate);
    }
    this.fractionFit = b.fractionFit;
    this.fractionEvaluate = b.fractionEvaluate;
    this.minFitClients = b.minFitClients;
    this.minEvaluateClients = b.minEvaluateClients;
    this.minAvailableClients = b.minAvailableClients;
    this.acceptFailures = b.acceptFailures;
    this.initialParameters = b.initialParameters;
    this.evaluateFn = b.evaluateFn;
    this.onFitConfig = b.onFitConfig;
    this.onEvaluateConfig = b.onEvaluateConfig;
    this.fitMetricsAggregation = b.fitMetricsAggregation;
    this.evaluateMetricsAggregation = b.evaluateMetricsAggregation;
    this.globalParameters = b.initialParameters;
  }

  /** Flower's num_fit_clients: (sample size, minimum clients that must be available). */
  public int[] numFitClients(int numAvailable) {
    int n = (int) (numAvailable * fractionFit);
    return new int[] {Math.max(n, minFitClients), minAvailableClients};
  }

  /** Flower's num_evaluation_clients. */
  public int[] numEvaluationClients(int numAvailable) {
    int n = (int) (numAvailable * fractionEvaluate);
    return new int[] {Math.max(n, minEvaluateClients), minAvailableClients};
  }

  @Override
  public Optional<Parameters> initializeParameters() {
    return Optional.ofNullable(initialParameters);
  }

  @Override
  public List<ClientInstruction> configureFit(int round, Parameters parameters,
      ClientManager clients) {
    globalParameters = parameters;
    Config config = onFitConfig.apply(round);
    int[] size = numFitClients(clients.numAvailable());
    return clients.sample(size[0], size[1]).stream()
        .map(id -> new ClientInstruction(id, config)).toList();
  }

  @Override
  public FitAggregate aggregateFit(int round, RoundResults<FitResult> results) {
    if (results.results().isEmpty()) {
      return FitAggregate.none();
    }
    if (!acceptFailures && !results.failures().isEmpty()) {
      return FitAggregate.none();
    }
    Parameters aggregated = aggregateParameters(round, results);
    Map<String, Double> metrics = fitMetricsAggregation.aggregate(results.results().stream()
        .map(r -> new Aggregation.WeightedMetrics(r.result().numExamples(), r.result().metrics()))
        .toList());
    return new FitAggregate(Optional.of(aggregated), metrics);
  }

  /** The new global parameters from a round with at least one result. */
  abstract Parameters aggregateParameters(int round, RoundResults<FitResult> results);

  /** The round's global parameters, for strategies whose server step starts from them. */
  protected Parameters requireGlobalParameters() {
    if (globalParameters == null) {
      throw new IllegalStateException(getClass().getSimpleName() + " needs the global parameters: "
          + "call configureFit before aggregateFit, or give initialParameters");
    }
    return globalParameters;
  }

  @Override
  public List<ClientInstruction> configureEvaluate(int round, Parameters parameters,
      ClientManager clients) {
    Config config = onEvaluateConfig.apply(round);
    int[] size = numEvaluationClients(clients.numAvailable());
    return clients.sample(size[0], size[1]).stream()
        .map(id -> new ClientInstruction(id, config)).toList();
  }

  @Override
  public EvaluateAggregate aggregateEvaluate(int round, RoundResults<EvaluateResult> results) {
    if (results.results().isEmpty()) {
      return EvaluateAggregate.none();
    }
    if (!acceptFailures && !results.failures().isEmpty()) {
      return EvaluateAggregate.none();
    }
    double loss = Aggregation.weightedLossAverage(results.results().stream()
        .map(r -> new Aggregation.WeightedLoss(r.result().numExamples(), r.result().loss()))
        .toList());
    Map<String, Double> metrics = evaluateMetricsAggregation.aggregate(results.results().stream()
        .map(r -> new Aggregation.WeightedMetrics(r.result().numExamples(), r.result().metrics()))
        .toList());
    return new EvaluateAggregate(Optional.of(loss), metrics);
  }

  @Override
  public Optional<EvaluateResult> evaluate(int round, Parameters parameters) {
    return evaluateFn.apply(round, parameters);
  }

  @Override
  public boolean acceptFailures() {
    return acceptFailures;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + knobs() + ")";
  }

  /** The settings toString shows; subclasses append theirs. */
  protected String knobs() {
    return "fractionFit=" + fractionFit + ", fractionEvaluate=" + fractionEvaluate
        + ", minFitClients=" + minFitClients + ", minEvaluateClients=" + minEvaluateClients
        + ", minAvailableClients=" + minAvailableClients + ", acceptFailures=" + acceptFailures;
  }

  /** Flower's FedAvg constructor arguments, with Flower's defaults. */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<B extends Builder<B>> {
    double fractionFit = 1.0;
    double fractionEvaluate = 1.0;
    int minFitClients = 2;
    int minEvaluateClients = 2;
    int minAvailableClients = 2;
    boolean acceptFailures = true;
    Parameters initialParameters;
    BiFunction<Integer, Parameters, Optional<EvaluateResult>> evaluateFn =
        (round, p) -> Optional.empty();
    IntFunction<Config> onFitConfig = round -> Config.empty();
    IntFunction<Config> onEvaluateConfig = round -> Config.empty();
    MetricsAggregation fitMetricsAggregation = MetricsAggregation.WEIGHTED_AVERAGE;
    MetricsAggregation evaluateMetricsAggregation = MetricsAggregation.WEIGHTED_AVERAGE;

    public B fractionFit(double v) {
      fractionFit = v;
      return (B) this;
    }

    public B fractionEvaluate(double v) {
      fractionEvaluate = v;
      return (B) this;
    }

    public B minFitClients(int v) {
      minFitClients = v;
      return (B) this;
    }

    public B minEvaluateClients(int v) {
      minEvaluateClients = v;
      return (B) this;
    }

    public B minAvailableClients(int v) {
      minAvailableClients = v;
      return (B) this;
    }

    public B acceptFailures(boolean v) {
      acceptFailures = v;
      return (B) this;
    }

    public B initialParameters(Parameters v) {
      initialParameters = v;
      return (B) this;
    }

    public B evaluateFn(BiFunction<Integer, Parameters, Optional<EvaluateResult>> v) {
      evaluateFn = v;
      return (B) this;
    }

    public B onFitConfig(IntFunction<Config> v) {
      onFitConfig = v;
      return (B) this;
    }

    public B onEvaluateConfig(IntFunction<Config> v) {
      onEvaluateConfig = v;
      return (B) this;
    }

    public B fitMetricsAggregation(MetricsAggregation v) {
      fitMetricsAggregation = v;
      return (B) this;
    }

    public B evaluateMetricsAggregation(MetricsAggregation v) {
      evaluateMetricsAggregation = v;
      return (B) this;
    }

    /**
     * Takes this strategy's options from spec.strategy (StrategyFactory): a builder reads those
     * its {@link StrategyName} declares, which the arguments hold, given or defaulted. A strategy
     * with no options has nothing to take.
     */
    protected B arguments(StrategyArguments arguments) {
      return (B) this;
    }

    public abstract SamplingStrategy build();
  }
}

package io.flowersim.strategy;

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
 * Federated Averaging with all of Flower's knobs. Sampling follows Flower's FedAvg exactly:
 * {@code max(int(available * fraction), minClients)} clients, and nothing while fewer than
 * minAvailableClients exist. Other strategies extend this class and override the least: the
 * robust ones {@link #aggregateUpdates} (and {@link #aggregatesMeanOfUpdates()}, false), the
 * server-optimizing ones {@link #serverStep}, which starts from the mean of the updates.
 */
public class FedAvg implements Strategy {

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

  protected FedAvg(Builder<?> b) {
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

  public static Builder<?> builder() {
    return new Builder<>();
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
    Parameters aggregated;
    if (results.updateSum().isPresent()) {
      if (!aggregatesMeanOfUpdates()) {
        throw new IllegalStateException(getClass().getSimpleName() + " needs every client's "
            + "update, but the engine delivered only their sum");
      }
      aggregated = serverStep(round, results.updateSum().get().mean());
    } else {
      aggregated = aggregateUpdates(round, results.results().stream()
          .map(r -> new Aggregation.Weighted(r.result().parameters(), r.result().numExamples()))
          .toList());
    }
    Map<String, Double> metrics = fitMetricsAggregation.aggregate(results.results().stream()
        .map(r -> new Aggregation.WeightedMetrics(r.result().numExamples(), r.result().metrics()))
        .toList());
    return new FitAggregate(Optional.of(aggregated), metrics);
  }

  /**
   * The new global parameters from a round's updates (at least one): the step of aggregateFit
   * that the robust strategies replace. FedAvg's is the server step on the example-weighted mean.
   */
  protected Parameters aggregateUpdates(int round, List<Aggregation.Weighted> updates) {
    return serverStep(round, Aggregation.weightedAverage(updates));
  }

  /**
   * The new global parameters from the example-weighted mean of the round's updates: the step that
   * the server-optimizing strategies replace. FedAvg takes the mean as it is.
   */
  protected Parameters serverStep(int round, Parameters mean) {
    return mean;
  }

  /**
   * True while {@link #aggregateUpdates} is FedAvg's: a subclass that replaces it must return
   * false here, or an engine that sums the updates where the clients ran would skip it.
   */
  @Override
  public boolean aggregatesMeanOfUpdates() {
    return true;
  }

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
  public static class Builder<B extends Builder<B>> {
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

    public FedAvg build() {
      return new FedAvg(this);
    }
  }
}

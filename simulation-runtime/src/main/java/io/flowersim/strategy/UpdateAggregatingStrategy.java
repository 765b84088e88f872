package io.flowersim.strategy;

import io.flowersim.client.ClientResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.util.List;

/**
 * A strategy that looks at every update (median, trimmed mean, Krum, Bulyan): engines deliver
 * each client's parameters, never only their sum.
 */
public abstract class UpdateAggregatingStrategy extends SamplingStrategy {

  protected UpdateAggregatingStrategy(Builder<?> b) {
    super(b);
  }

  @Override
  public final boolean aggregatesMeanOfUpdates() {
    return false;
  }

  @Override
  final Parameters aggregateParameters(int round, RoundResults<FitResult> results) {
    if (results.updateSum().isPresent()) {
      throw new IllegalStateException(getClass().getSimpleName() + " needs every client's "
          + "update, but the engine delivered only their sum");
    }
    return aggregateResults(round, results.results());
  }

  /**
   * The new global parameters from a round's results (at least one). By default a function of
   * their parameters and example counts alone ({@link #aggregateUpdates}); a rule that also reads
   * the clients' metrics (q-FedAvg reads each one's training loss) overrides this instead.
   */
  protected Parameters aggregateResults(int round, List<ClientResult<FitResult>> results) {
    return aggregateUpdates(round, results.stream()
        .map(r -> new Aggregation.Weighted(r.result().parameters(), r.result().numExamples()))
        .toList());
  }

  /**
   * The new global parameters from a round's updates (at least one). Every subclass overrides
   * this or {@link #aggregateResults}.
   */
  protected Parameters aggregateUpdates(int round, List<Aggregation.Weighted> updates) {
    throw new UnsupportedOperationException(getClass().getSimpleName()
        + " overrides neither aggregateUpdates nor aggregateResults");
  }
}

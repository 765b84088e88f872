package io.flowersim.strategy;

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
    return aggregateUpdates(round, results.results().stream()
        .map(r -> new Aggregation.Weighted(r.result().parameters(), r.result().numExamples()))
        .toList());
  }

  /** The new global parameters from a round's updates (at least one). */
  protected abstract Parameters aggregateUpdates(int round, List<Aggregation.Weighted> updates);
}

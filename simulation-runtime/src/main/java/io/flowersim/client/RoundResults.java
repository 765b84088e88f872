package io.flowersim.client;

import java.util.List;
import java.util.Optional;

/**
 * Everything the sampled clients of one round's fit or evaluate delivered, and who failed.
 *
 * @param updateSum fit only: the example-weighted sum of the results' parameters, when the
 *     engine summed them where the clients ran (asked to by a strategy that needs no more, see
 *     {@link io.flowersim.strategy.Strategy#aggregatesMeanOfUpdates()}); the results'
 *     {@link FitResult#parameters()} are then absent
 */
public record RoundResults<R>(List<ClientResult<R>> results, List<ClientFailure> failures,
    Optional<UpdateSum> updateSum) {
  public RoundResults {
    results = List.copyOf(results);
    failures = List.copyOf(failures);
    updateSum = updateSum == null ? Optional.empty() : updateSum;
  }

  public RoundResults(List<ClientResult<R>> results, List<ClientFailure> failures) {
    this(results, failures, Optional.empty());
  }

  public int sampled() {
    return results.size() + failures.size();
  }
}

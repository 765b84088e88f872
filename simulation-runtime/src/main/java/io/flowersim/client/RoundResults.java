package io.flowersim.client;

import java.util.List;

/** Everything the sampled clients of one round's fit or evaluate delivered, and who failed. */
public record RoundResults<R>(List<ClientResult<R>> results, List<ClientFailure> failures) {
  public RoundResults {
    results = List.copyOf(results);
    failures = List.copyOf(failures);
  }

  public int sampled() {
    return results.size() + failures.size();
  }
}

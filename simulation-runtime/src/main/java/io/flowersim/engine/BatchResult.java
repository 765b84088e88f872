package io.flowersim.engine;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientResult;
import java.util.List;

/**
 * What a worker delivered for a {@link Batch}: a result or a failure per client, and, when the
 * batch summed its updates, their example-weighted mean ({@code meanValues}, null when no update
 * brought an example) over {@code meanExamples} examples.
 */
public record BatchResult<R>(List<ClientResult<R>> results, List<ClientFailure> failures,
    float[] meanValues, long meanExamples) {

  public BatchResult {
    results = List.copyOf(results);
    failures = List.copyOf(failures);
  }
}

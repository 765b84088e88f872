package io.flowersim.client;

import java.util.Map;
import java.util.Objects;

/** What a client returns from fit: its updated parameters, how many examples it trained on, metrics. */
public record FitResult(Parameters parameters, long numExamples, Map<String, Double> metrics) {
  public FitResult {
    Objects.requireNonNull(parameters, "parameters");
    if (numExamples < 0) {
      throw new IllegalArgumentException("numExamples must be >= 0, got " + numExamples);
    }
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }
}

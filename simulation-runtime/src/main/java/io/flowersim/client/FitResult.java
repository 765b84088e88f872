package io.flowersim.client;

import java.util.Map;

/**
 * What a client returns from fit: its updated parameters, how many examples it trained on,
 * metrics. {@code parameters} is null only in the results of an engine that summed the updates
 * where the clients ran ({@link RoundResults#updateSum()}).
 */
public record FitResult(Parameters parameters, long numExamples, Map<String, Double> metrics) {
  public FitResult {
    if (numExamples < 0) {
      throw new IllegalArgumentException("numExamples must be >= 0, got " + numExamples);
    }
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }
}

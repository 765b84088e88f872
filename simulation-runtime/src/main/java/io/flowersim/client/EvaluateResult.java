package io.flowersim.client;

import java.util.Map;

/** What an evaluation returns: the loss, how many examples it used, and metrics such as accuracy. */
public record EvaluateResult(double loss, long numExamples, Map<String, Double> metrics) {
  public EvaluateResult {
    if (numExamples < 0) {
      throw new IllegalArgumentException("numExamples must be >= 0, got " + numExamples);
    }
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }
}

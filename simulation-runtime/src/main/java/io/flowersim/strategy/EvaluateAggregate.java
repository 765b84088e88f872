package io.flowersim.strategy;

import java.util.Map;
import java.util.Optional;

/** Result of aggregateEvaluate: the aggregated loss (empty if no client answered) and metrics. */
public record EvaluateAggregate(Optional<Double> loss, Map<String, Double> metrics) {
  public EvaluateAggregate {
    metrics = Map.copyOf(metrics);
  }

  public static EvaluateAggregate none() {
    return new EvaluateAggregate(Optional.empty(), Map.of());
  }
}

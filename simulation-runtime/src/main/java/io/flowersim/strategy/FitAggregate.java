package io.flowersim.strategy;

import io.flowersim.client.Parameters;
import java.util.Map;
import java.util.Optional;

/** Result of aggregateFit: new global parameters (empty: keep the old ones) and fit metrics. */
public record FitAggregate(Optional<Parameters> parameters, Map<String, Double> metrics) {
  public FitAggregate {
    metrics = Map.copyOf(metrics);
  }

  public static FitAggregate none() {
    return new FitAggregate(Optional.empty(), Map.of());
  }
}

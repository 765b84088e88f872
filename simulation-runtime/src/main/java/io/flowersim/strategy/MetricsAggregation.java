package io.flowersim.strategy;

import java.util.List;
import java.util.Map;

/** Flower's fit/evaluate_metrics_aggregation_fn: many clients' metrics into one map. */
@FunctionalInterface
public interface MetricsAggregation {

  Map<String, Double> aggregate(List<Aggregation.WeightedMetrics> metrics);

  MetricsAggregation WEIGHTED_AVERAGE = Aggregation::weightedMetricsAverage;
}

package io.flowersim.strategy;

import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;

/**
 * A strategy whose new global parameters are a server step on the example-weighted mean of the
 * updates: all it may replace is {@link #serverStep}, so an engine may always deliver the sum of
 * the updates instead of each one ({@link RoundResults#updateSum()}).
 */
public abstract class MeanAggregatingStrategy extends SamplingStrategy {

  protected MeanAggregatingStrategy(Builder<?> b) {
    super(b);
  }

  @Override
  public final boolean aggregatesMeanOfUpdates() {
    return true;
  }

  @Override
  final Parameters aggregateParameters(int round, RoundResults<FitResult> results) {
    Parameters mean = results.updateSum().isPresent() ? results.updateSum().get().mean()
        : Aggregation.weightedAverage(results.results().stream()
            .map(r -> new Aggregation.Weighted(r.result().parameters(), r.result().numExamples()))
            .toList());
    return serverStep(round, mean);
  }

  /**
   * The new global parameters from the example-weighted mean of the round's updates. FedAvg takes
   * the mean as it is.
   */
  protected Parameters serverStep(int round, Parameters mean) {
    return mean;
  }
}

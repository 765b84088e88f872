package io.flowersim.strategy;

import io.flowersim.client.Parameters;
import java.util.List;

/**
 * Flower's FedMedian: the coordinate-wise median of the updates, whatever their example counts.
 * Overrides only the aggregation step.
 */
public class FedMedian extends UpdateAggregatingStrategy {

  protected FedMedian(Builder b) {
    super(b);
  }

  public static Builder builder() {
    return new Builder();
  }


  @Override
  protected Parameters aggregateUpdates(int round, List<Aggregation.Weighted> updates) {
    return Aggregation.median(updates.stream().map(Aggregation.Weighted::parameters).toList());
  }

  /** FedAvg's arguments. */
  public static final class Builder extends SamplingStrategy.Builder<Builder> {
    @Override
    public FedMedian build() {
      return new FedMedian(this);
    }
  }
}

package io.flowersim.strategy;

import io.flowersim.client.Parameters;
import java.util.List;

/**
 * Flower's FedTrimmedAvg (Yin et al., 2018): per coordinate, the mean of the updates after cutting
 * the fraction {@code beta} off each tail, whatever their example counts. Default beta 0.2.
 */
public class FedTrimmedAvg extends UpdateAggregatingStrategy {

  protected final double beta;

  protected FedTrimmedAvg(Builder b) {
    super(b);
    if (!(b.beta >= 0 && b.beta < 0.5)) {
      throw new IllegalArgumentException("beta must be in [0, 0.5), got " + b.beta);
    }
    this.beta = b.beta;
  }

  public static Builder builder() {
    return new Builder();
  }


  @Override
  protected Parameters aggregateUpdates(int round, List<Aggregation.Weighted> updates) {
    return Aggregation.trimmedMean(
        updates.stream().map(Aggregation.Weighted::parameters).toList(), beta);
  }

  @Override
  protected String knobs() {
    return super.knobs() + ", beta=" + beta;
  }

  /** FedAvg's arguments plus beta, with Flower's default. */
  public static final class Builder extends SamplingStrategy.Builder<Builder> {
    double beta = 0.2;

    public Builder beta(double v) {
      beta = v;
      return this;
    }

    @Override
    public FedTrimmedAvg build() {
      return new FedTrimmedAvg(this);
    }
  }
}

package io.flowersim.strategy;

import io.flowersim.api.v1alpha1.spec.StrategyArguments;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.api.v1alpha1.spec.StrategyOption;
import io.flowersim.client.Parameters;
import java.util.List;

/**
 * Flower's FedTrimmedAvg (Yin et al., 2018): per coordinate, the mean of the updates after cutting
 * the fraction {@code beta} off each tail, whatever their example counts. Default: Flower's,
 * from {@link StrategyName#FED_TRIMMED_AVG}.
 */
public class FedTrimmedAvg extends UpdateAggregatingStrategy {

  protected final double beta;

  protected FedTrimmedAvg(Builder b) {
    super(b);
    this.beta = StrategyOption.BETA.require(b.beta);
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
    double beta = StrategyName.FED_TRIMMED_AVG.defaultOf(StrategyOption.BETA).doubleValue();

    public Builder beta(double v) {
      beta = v;
      return this;
    }

    @Override
    protected Builder arguments(StrategyArguments arguments) {
      return beta(arguments.number(StrategyOption.BETA));
    }

    @Override
    public FedTrimmedAvg build() {
      return new FedTrimmedAvg(this);
    }
  }
}

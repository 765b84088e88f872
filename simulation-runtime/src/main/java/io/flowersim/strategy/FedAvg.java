package io.flowersim.strategy;

/**
 * Federated Averaging with all of Flower's knobs: the new global parameters are the
 * example-weighted mean of the updates. The server-optimizing strategies (FedProx, FedAvgM, the
 * FedOpt family) extend it and replace only {@link #serverStep}.
 */
public class FedAvg extends MeanAggregatingStrategy {

  protected FedAvg(Builder<?> b) {
    super(b);
  }

  public static Builder<?> builder() {
    return new Builder<>();
  }

  /** Flower's FedAvg constructor arguments, with Flower's defaults. */
  public static class Builder<B extends Builder<B>> extends SamplingStrategy.Builder<B> {
    @Override
    public FedAvg build() {
      return new FedAvg(this);
    }
  }
}

package io.flowersim.strategy;

import io.flowersim.api.v1alpha1.spec.StrategyName;

/**
 * Flower's FedAdam: v = beta2 * v + (1 - beta2) * delta^2, stepped with Flower's bias-corrected
 * learning rate eta * sqrt(1 - beta2^(t+1)) / (1 - beta1^(t+1)), t the server round. Defaults:
 * Flower's, from {@link StrategyName#FED_ADAM}.
 */
public class FedAdam extends FedOpt {

  protected FedAdam(Builder b) {
    super(b);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected float[] secondMoment(float[] v, float[] delta) {
    return Aggregation.adamSecondMoment(v, delta, beta2);
  }

  @Override
  protected double learningRate(int round) {
    return Aggregation.adamBiasCorrectedEta(eta, beta1, beta2, round);
  }

  /** Flower's FedAdam defaults. */
  public static final class Builder extends FedOpt.Builder<Builder> {
    Builder() {
      super(StrategyName.FED_ADAM);
    }

    @Override
    public FedAdam build() {
      return new FedAdam(this);
    }
  }
}

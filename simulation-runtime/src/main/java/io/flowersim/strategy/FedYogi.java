package io.flowersim.strategy;

import io.flowersim.api.v1alpha1.spec.StrategyName;

/**
 * Flower's FedYogi: v = v - (1 - beta2) * delta^2 * sign(v - delta^2). Defaults: Flower's,
 * from {@link StrategyName#FED_YOGI}.
 */
public class FedYogi extends FedOpt {

  protected FedYogi(Builder b) {
    super(b);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected float[] secondMoment(float[] v, float[] delta) {
    return Aggregation.yogiSecondMoment(v, delta, beta2);
  }

  /** Flower's FedYogi defaults. */
  public static final class Builder extends FedOpt.Builder<Builder> {
    Builder() {
      super(StrategyName.FED_YOGI);
    }

    @Override
    public FedYogi build() {
      return new FedYogi(this);
    }
  }
}

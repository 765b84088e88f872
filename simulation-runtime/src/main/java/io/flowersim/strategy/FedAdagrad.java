package io.flowersim.strategy;

import io.flowersim.api.v1alpha1.spec.StrategyName;

/**
 * Flower's FedAdagrad: v = v + delta^2. Flower gives it no beta values (beta1 = beta2 = 0, so the
 * first moment is delta itself); setting them is refused. Defaults: Flower's,
 * from {@link StrategyName#FED_ADAGRAD}.
 */
public class FedAdagrad extends FedOpt {

  protected FedAdagrad(Builder b) {
    super(b);
    if (b.beta1 != 0 || b.beta2 != 0) {
      throw new IllegalArgumentException("FedAdagrad takes no beta1/beta2 (Flower fixes both at "
          + "0), got " + b.beta1 + " and " + b.beta2);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected float[] secondMoment(float[] v, float[] delta) {
    return Aggregation.adagradSecondMoment(v, delta);
  }

  /** Flower's FedAdagrad defaults. */
  public static final class Builder extends FedOpt.Builder<Builder> {
    Builder() {
      super(StrategyName.FED_ADAGRAD);
    }

    @Override
    public FedAdagrad build() {
      return new FedAdagrad(this);
    }
  }
}

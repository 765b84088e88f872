package io.flowersim.strategy;

/**
 * Flower's FedYogi: v = v - (1 - beta2) * delta^2 * sign(v - delta^2). Defaults: eta 0.01, etaL
 * 0.0316, beta1 0.9, beta2 0.99, tau 1e-3.
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
      super(1e-2, 0.0316, 0.9, 0.99, 1e-3);
    }

    @Override
    public FedYogi build() {
      return new FedYogi(this);
    }
  }
}

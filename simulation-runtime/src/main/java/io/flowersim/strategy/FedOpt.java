package io.flowersim.strategy;

import static io.flowersim.api.v1alpha1.spec.StrategyOption.BETA1;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.BETA2;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.ETA;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.ETA_L;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.TAU;

import io.flowersim.api.v1alpha1.spec.StrategyArguments;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.client.Parameters;

/**
 * Flower's FedOpt: the base of the adaptive server optimizers (Reddi et al., "Adaptive Federated
 * Optimization"). It adds the optimizer's settings and state to FedAvg; each subclass gives only
 * its second-moment rule (and FedAdam its learning rate). Per round: delta = average - global,
 * m = beta1 * m + (1 - beta1) * delta, v = the subclass's rule, global += eta * m / (sqrt(v) + tau).
 *
 * <p>Flower requires initial_parameters and keeps its own current weights; here the strategy keeps
 * the parameters each configureFit is given (the same values, since the server adopts what
 * aggregateFit returns), so the task's initial model works too. etaL is kept, as in Flower, which
 * does not send it to the clients.
 */
public abstract class FedOpt extends FedAvg {

  protected final double eta;
  protected final double etaL;
  protected final double beta1;
  protected final double beta2;
  protected final double tau;
  private float[] m;
  private float[] v;

  protected FedOpt(Builder<?> b) {
    super(b);
    this.eta = ETA.require(b.eta);
    this.etaL = ETA_L.require(b.etaL);
    this.beta1 = BETA1.require(b.beta1);
    this.beta2 = BETA2.require(b.beta2);
    this.tau = TAU.require(b.tau);
  }

  /** The new second moment v_t from the previous one (null before the first update) and delta. */
  protected abstract float[] secondMoment(float[] v, float[] delta);

  /** The server learning rate of this round's step; eta unless the optimizer corrects it. */
  protected double learningRate(int round) {
    return eta;
  }

  @Override
  protected Parameters serverStep(int round, Parameters average) {
    Parameters current = requireGlobalParameters();
    float[] delta = Aggregation.subtract(average.values(), current.values());
    m = Aggregation.firstMoment(m, delta, beta1);
    v = secondMoment(v, delta);
    globalParameters = Parameters.withLayoutOf(current,
        Aggregation.adaptiveStep(current.values(), m, v, learningRate(round), tau));
    return globalParameters;
  }

  /** The moments m and v, once a round has set them. */
  @Override
  public StrategyState saveState() {
    return StrategyState.empty().put("m", m).put("v", v);
  }

  @Override
  public void restoreState(StrategyState state) {
    m = state.floats("m").orElse(null);
    v = state.floats("v").orElse(null);
  }

  @Override
  protected String knobs() {
    return super.knobs() + ", eta=" + eta + ", etaL=" + etaL + ", beta1=" + beta1 + ", beta2="
        + beta2 + ", tau=" + tau;
  }

  /**
   * FedAvg's arguments plus the server optimizer's, starting from the defaults that the
   * subclass's StrategyName gives (beta1 and beta2 0 where it takes none, as Flower's FedAdagrad).
   */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<B extends Builder<B>> extends FedAvg.Builder<B> {
    double eta;
    double etaL;
    double beta1;
    double beta2;
    double tau;

    protected Builder(StrategyName name) {
      this.eta = name.defaultOf(ETA).doubleValue();
      this.etaL = name.defaultOf(ETA_L).doubleValue();
      this.beta1 = name.takes(BETA1) ? name.defaultOf(BETA1).doubleValue() : 0.0;
      this.beta2 = name.takes(BETA2) ? name.defaultOf(BETA2).doubleValue() : 0.0;
      this.tau = name.defaultOf(TAU).doubleValue();
    }

    public B eta(double v) {
      eta = v;
      return (B) this;
    }

    public B etaL(double v) {
      etaL = v;
      return (B) this;
    }

    public B beta1(double v) {
      beta1 = v;
      return (B) this;
    }

    public B beta2(double v) {
      beta2 = v;
      return (B) this;
    }

    public B tau(double v) {
      tau = v;
      return (B) this;
    }

    @Override
    protected B arguments(StrategyArguments arguments) {
      eta(arguments.number(ETA)).etaL(arguments.number(ETA_L)).tau(arguments.number(TAU));
      if (arguments.has(BETA1)) {
        beta1(arguments.number(BETA1));
      }
      if (arguments.has(BETA2)) {
        beta2(arguments.number(BETA2));
      }
      return (B) this;
    }

    @Override
    public abstract FedOpt build();
  }
}

package io.flowersim.strategy;

import static io.flowersim.api.v1alpha1.spec.StrategyOption.SERVER_LEARNING_RATE;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.SERVER_MOMENTUM;

import io.flowersim.api.v1alpha1.spec.StrategyArguments;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.client.Parameters;

/**
 * Flower's FedAvgM: FedAvg followed by a server SGD step with momentum on the pseudo-gradient
 * (global - average). With the defaults (learning rate 1, momentum 0) it is FedAvg. The momentum
 * buffer starts as the first aggregated round's pseudo-gradient (Flower: round 1).
 *
 * <p>Flower reads the global parameters from initial_parameters, which it requires; here the
 * strategy keeps the parameters each configureFit is given, so the task's initial model works too.
 */
public class FedAvgM extends FedAvg {

  protected final double serverLearningRate;
  protected final double serverMomentum;
  private float[] momentumVector;

  protected FedAvgM(Builder b) {
    super(b);
    this.serverLearningRate = SERVER_LEARNING_RATE.require(b.serverLearningRate);
    this.serverMomentum = SERVER_MOMENTUM.require(b.serverMomentum);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Flower's server_opt: whether the server step differs from plain averaging. */
  boolean serverOptimizes() {
    return serverMomentum != 0.0 || serverLearningRate != 1.0;
  }

  @Override
  protected Parameters serverStep(int round, Parameters average) {
    if (!serverOptimizes()) {
      return average;
    }
    Parameters global = requireGlobalParameters();
    float[] pseudoGradient = Aggregation.subtract(global.values(), average.values());
    if (serverMomentum > 0.0) {
      momentumVector = Aggregation.momentum(momentumVector, pseudoGradient, serverMomentum);
      pseudoGradient = momentumVector;
    }
    globalParameters = Parameters.withLayoutOf(global,
        Aggregation.sgdStep(global.values(), pseudoGradient, serverLearningRate));
    return globalParameters;
  }

  /** The momentum buffer, once a round has filled it. */
  @Override
  public StrategyState saveState() {
    return StrategyState.empty().put("momentum", momentumVector);
  }

  @Override
  public void restoreState(StrategyState state) {
    momentumVector = state.floats("momentum").orElse(null);
  }

  @Override
  protected String knobs() {
    return super.knobs() + ", serverLearningRate=" + serverLearningRate + ", serverMomentum="
        + serverMomentum;
  }

  /** FedAvg's arguments plus the server optimizer's, with Flower's defaults. */
  public static final class Builder extends FedAvg.Builder<Builder> {
    double serverLearningRate =
        StrategyName.FED_AVG_M.defaultOf(SERVER_LEARNING_RATE).doubleValue();
    double serverMomentum = StrategyName.FED_AVG_M.defaultOf(SERVER_MOMENTUM).doubleValue();

    public Builder serverLearningRate(double v) {
      serverLearningRate = v;
      return this;
    }

    public Builder serverMomentum(double v) {
      serverMomentum = v;
      return this;
    }

    @Override
    protected Builder arguments(StrategyArguments arguments) {
      return serverLearningRate(arguments.number(SERVER_LEARNING_RATE))
          .serverMomentum(arguments.number(SERVER_MOMENTUM));
    }

    @Override
    public FedAvgM build() {
      return new FedAvgM(this);
    }
  }
}

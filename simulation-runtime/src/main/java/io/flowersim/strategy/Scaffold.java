package io.flowersim.strategy;

import static io.flowersim.api.v1alpha1.spec.StrategyOption.SERVER_LEARNING_RATE;

import io.flowersim.api.v1alpha1.spec.StrategyArguments;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ControlVariates;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.util.List;

/**
 * SCAFFOLD (Karimireddy et al. 2020, "Stochastic Controlled Averaging for Federated Learning"),
 * server side: it sends its control variate c with the global model x
 * ({@link ControlVariates}); each client trains with the correction c - c_i and returns its model
 * y_i and the change of its control variate Delta c_i ({@link io.flowersim.client.ScaffoldClient},
 * c_i kept in the client's state). Then x &lt;- x + eta_g * mean(y_i - x) and
 * c &lt;- c + (|S| / N) * mean(Delta c_i), |S| the clients that reported, N those available.
 *
 * <p>Where it differs from the paper: the means are weighted by the clients' example counts, as
 * every FedAvg-family strategy here (and Flower's SCAFFOLD baseline), where the paper averages
 * uniformly; that is what lets an engine sum the replies where the clients ran. Failed clients
 * simply do not count in |S|. Flower itself has no SCAFFOLD strategy, only a baseline.
 */
public class Scaffold extends MeanAggregatingStrategy {

  protected final double serverLearningRate;
  private float[] control;
  private int available;
  private int reported;

  protected Scaffold(Builder b) {
    super(b);
    this.serverLearningRate = SERVER_LEARNING_RATE.require(b.serverLearningRate);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public List<ClientInstruction> configureFit(int round, Parameters parameters,
      ClientManager clients) {
    available = clients.numAvailable();
    return super.configureFit(round, parameters, clients);
  }

  /** The global model followed by the server control variate c (zero before the first round). */
  @Override
  public Parameters fitParameters(int round, Parameters global) {
    if (control == null || control.length != global.size()) {
      control = new float[global.size()];
    }
    return ControlVariates.append(global, control);
  }

  @Override
  public FitAggregate aggregateFit(int round, RoundResults<FitResult> results) {
    reported = results.results().size();
    return super.aggregateFit(round, results);
  }

  /** {@code mean} is the clients' mean y followed by their mean Delta c. */
  @Override
  protected Parameters serverStep(int round, Parameters mean) {
    Parameters global = requireGlobalParameters();
    float[] x = global.values();
    float[] values = mean.values();
    if (values.length != 2 * x.length) {
      throw new IllegalArgumentException("Scaffold expects each update to be the model followed by "
          + "its control-variate change (" + 2 * x.length + " values), got " + values.length);
    }
    float[] next = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      next[i] = (float) (x[i] + serverLearningRate * ((double) values[i] - x[i]));
    }
    double share = available > 0 ? (double) reported / available : 0.0;
    for (int i = 0; i < x.length; i++) {
      control[i] = (float) (control[i] + share * values[x.length + i]);
    }
    return Parameters.withLayoutOf(global, next);
  }

  /** The server control variate c. */
  float[] control() {
    return control;
  }

  /** The server control variate c, once a round has sent it. */
  @Override
  public StrategyState saveState() {
    return StrategyState.empty().put("control", control);
  }

  @Override
  public void restoreState(StrategyState state) {
    control = state.floats("control").orElse(null);
  }

  @Override
  protected String knobs() {
    return super.knobs() + ", serverLearningRate=" + serverLearningRate;
  }

  /** FedAvg's arguments plus the global step size eta_g. */
  public static final class Builder extends SamplingStrategy.Builder<Builder> {
    double serverLearningRate =
        StrategyName.SCAFFOLD.defaultOf(SERVER_LEARNING_RATE).doubleValue();

    public Builder serverLearningRate(double v) {
      serverLearningRate = v;
      return this;
    }

    @Override
    protected Builder arguments(StrategyArguments arguments) {
      return serverLearningRate(arguments.number(SERVER_LEARNING_RATE));
    }

    @Override
    public Scaffold build() {
      return new Scaffold(this);
    }
  }
}

package io.flowersim.strategy;

import static io.flowersim.api.v1alpha1.spec.StrategyOption.Q;
import static io.flowersim.api.v1alpha1.spec.StrategyOption.QFFL_LEARNING_RATE;

import io.flowersim.api.v1alpha1.spec.StrategyArguments;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.client.ClientResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import java.util.List;

/**
 * Flower's QFedAvg (q-FFL, Li et al. 2020, "Fair Resource Allocation in Federated Learning"):
 * clients with a higher training loss move the global model more, by their loss to the power
 * {@code q} ({@link Aggregation#qFedAvg}). The loss is each client's fit metric
 * {@value #TRAIN_LOSS}, as in Flower's message-API QFedAvg (its train_loss_key); Flower's legacy
 * QFedAvg, whose option names and defaults these are, used the server's centralized loss of the
 * global model instead, the same for every client. A client that reports no train_loss fails the
 * round's aggregation, naming the metric.
 */
public class QFedAvg extends UpdateAggregatingStrategy {

  /** The fit metric read as each client's loss F_k. */
  public static final String TRAIN_LOSS = "train_loss";

  protected final double q;
  protected final double qfflLearningRate;

  protected QFedAvg(Builder b) {
    super(b);
    this.q = Q.require(b.q);
    this.qfflLearningRate = QFFL_LEARNING_RATE.require(b.qfflLearningRate);
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected Parameters aggregateResults(int round, List<ClientResult<FitResult>> results) {
    return Aggregation.qFedAvg(requireGlobalParameters(), results.stream()
        .map(r -> new Aggregation.LossWeighted(r.result().parameters(), trainLoss(r)))
        .toList(), q, qfflLearningRate);
  }

  private static double trainLoss(ClientResult<FitResult> result) {
    Double loss = result.result().metrics().get(TRAIN_LOSS);
    if (loss == null || !Double.isFinite(loss) || loss < 0) {
      throw new IllegalArgumentException("QFedAvg weighs each update by the client's training "
          + "loss, fit metric " + TRAIN_LOSS + " (a number >= 0); client " + result.clientId()
          + " reported " + (loss == null ? "none" : loss));
    }
    return loss;
  }

  @Override
  protected String knobs() {
    return super.knobs() + ", q=" + q + ", qfflLearningRate=" + qfflLearningRate;
  }

  /** FedAvg's arguments plus q and the learning rate, with Flower's defaults. */
  public static final class Builder extends SamplingStrategy.Builder<Builder> {
    double q = StrategyName.Q_FED_AVG.defaultOf(Q).doubleValue();
    double qfflLearningRate = StrategyName.Q_FED_AVG.defaultOf(QFFL_LEARNING_RATE).doubleValue();

    public Builder q(double v) {
      q = v;
      return this;
    }

    public Builder qfflLearningRate(double v) {
      qfflLearningRate = v;
      return this;
    }

    @Override
    protected Builder arguments(StrategyArguments arguments) {
      return q(arguments.number(Q)).qfflLearningRate(arguments.number(QFFL_LEARNING_RATE));
    }

    @Override
    public QFedAvg build() {
      return new QFedAvg(this);
    }
  }
}

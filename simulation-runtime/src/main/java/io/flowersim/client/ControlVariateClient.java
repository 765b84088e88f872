package io.flowersim.client;

/**
 * A client whose local training can take SCAFFOLD's correction (Karimireddy et al. 2020): a fixed
 * vector added to the gradient at every local step, y &lt;- y - lr * (g(y) + correction), where the
 * runtime passes correction = c - c_i (server minus client control variate). A task whose clients
 * implement this says so with {@link io.flowersim.task.FederatedTask#trainsWithControlVariates()};
 * the runtime keeps c_i in the client's state ({@link ScaffoldClient}).
 */
public interface ControlVariateClient extends Client {

  /**
   * Trains as {@link #fit} does, adding {@code correction} (laid out as {@code parameters}) to
   * every step's gradient.
   */
  CorrectedFit fit(Parameters parameters, Config config, float[] correction) throws Exception;

  /**
   * @param result what fit returns
   * @param localSteps K, the optimizer steps taken (at least 1)
   * @param learningRate eta_l, the learning rate of those steps
   */
  record CorrectedFit(FitResult result, long localSteps, double learningRate) {
    public CorrectedFit {
      if (localSteps < 1) {
        throw new IllegalArgumentException("localSteps must be >= 1, got " + localSteps);
      }
      if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException("learningRate must be > 0, got " + learningRate);
      }
    }
  }
}

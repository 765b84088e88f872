package io.flowersim.client;

/**
 * SCAFFOLD's client side (Karimireddy et al. 2020, Algorithm 1 with option II), around a task's
 * {@link ControlVariateClient}: it splits the server's control variate c off the parameters it
 * gets ({@link ControlVariates}), reads the client's own c_i from the client's state (zero at
 * first, as in the paper), trains from the global model x with the correction c - c_i, updates
 * c_i+ = c_i - c + (x - y_i) / (K * eta_l) from the K steps at rate eta_l the task reports, keeps
 * c_i+ in the state and returns y_i followed by Delta c_i = c_i+ - c_i.
 */
public final class ScaffoldClient implements Client {

  /** The key of the client's control variate c_i in its {@link ClientState}. */
  public static final String STATE_KEY = "scaffold.control";

  private final Client client;
  private final ClientState state;

  public ScaffoldClient(Client client, ClientState state) {
    this.client = client;
    this.state = state;
  }

  @Override
  public Parameters getParameters(Config config) {
    return client.getParameters(config);
  }

  @Override
  public FitResult fit(Parameters combined, Config config) throws Exception {
    if (!(client instanceof ControlVariateClient corrected)) {
      throw new IllegalStateException("Scaffold needs clients that train with control variates, "
          + "but " + client.getClass().getName() + " does not implement ControlVariateClient");
    }
    Parameters x = ControlVariates.model(combined);
    float[] c = ControlVariates.control(combined);
    float[] ci = state.get(STATE_KEY);
    if (ci == null) {
      ci = new float[c.length];
    } else if (ci.length != c.length) {
      throw new IllegalStateException("the client's control variate has " + ci.length
          + " values, the model " + c.length);
    }
    float[] correction = new float[c.length];
    for (int i = 0; i < c.length; i++) {
      correction[i] = c[i] - ci[i];
    }
    ControlVariateClient.CorrectedFit fit = corrected.fit(x, config, correction);
    Parameters y = fit.result().parameters();
    if (y == null || !y.sameLayoutAs(x)) {
      throw new IllegalStateException("fit returned parameters " + y + " but the global model is "
          + x);
    }
    double scale = 1.0 / (fit.localSteps() * fit.learningRate());
    float[] xv = x.values();
    float[] yv = y.values();
    float[] next = new float[c.length];
    float[] change = new float[c.length];
    for (int i = 0; i < c.length; i++) {
      next[i] = (float) (ci[i] - c[i] + scale * ((double) xv[i] - yv[i]));
      change[i] = next[i] - ci[i];
    }
    state.put(STATE_KEY, next);
    return new FitResult(ControlVariates.combine(combined, y, change), fit.result().numExamples(),
        fit.result().metrics());
  }

  @Override
  public EvaluateResult evaluate(Parameters parameters, Config config) throws Exception {
    return client.evaluate(parameters, config);
  }
}

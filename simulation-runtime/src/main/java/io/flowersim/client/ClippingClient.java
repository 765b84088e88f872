package io.flowersim.client;

/**
 * The client's side of central differential privacy with client-side clipping (Flower's
 * fixedclipping_mod and adaptiveclipping_mod), around any task's client: when a fit's config
 * carries {@value ConfigKeys#CLIPPING_NORM}, the update (the trained parameters minus those
 * received) is scaled to at most that L2 norm here, before it leaves the client, so the server
 * never holds an unclipped update. With {@value ConfigKeys#REPORT_NORM_BIT} set (adaptive
 * clipping) the fit also reports metric {@value ConfigKeys#NORM_BIT}: 1 when the update's norm
 * was at most the clipping norm, else 0.
 */
public final class ClippingClient implements Client {

  private final Client client;

  public ClippingClient(Client client) {
    this.client = client;
  }

  /** Whether a fit with {@code config} is to be clipped on the client. */
  public static boolean requested(Config config) {
    return config.has(ConfigKeys.CLIPPING_NORM);
  }

  @Override
  public Parameters getParameters(Config config) {
    return client.getParameters(config);
  }

  @Override
  public FitResult fit(Parameters parameters, Config config) throws Exception {
    double clippingNorm = config.getDouble(ConfigKeys.CLIPPING_NORM, Double.NaN);
    if (!(clippingNorm > 0) || Double.isInfinite(clippingNorm)) {
      throw new IllegalArgumentException(ConfigKeys.CLIPPING_NORM + " must be > 0, got "
          + clippingNorm);
    }
    FitResult result = client.fit(parameters, config);
    if (result == null || result.parameters() == null
        || !result.parameters().sameLayoutAs(parameters)) {
      return result; // the runner refuses it, naming what is wrong
    }
    float[] sent = parameters.values();
    float[] trained = result.parameters().values();
    double squared = 0;
    for (int i = 0; i < sent.length; i++) {
      double d = (double) trained[i] - sent[i];
      squared += d * d;
    }
    double norm = Math.sqrt(squared);
    double scale = Math.min(1.0, clippingNorm / norm);
    float[] clipped = new float[sent.length];
    for (int i = 0; i < sent.length; i++) {
      clipped[i] = sent[i] + (float) (((double) trained[i] - sent[i]) * scale);
    }
    java.util.Map<String, Double> metrics = result.metrics();
    if (config.getBoolean(ConfigKeys.REPORT_NORM_BIT, false)) {
      metrics = new java.util.HashMap<>(metrics);
      metrics.put(ConfigKeys.NORM_BIT, norm <= clippingNorm ? 1.0 : 0.0);
    }
    return new FitResult(Parameters.withLayoutOf(parameters, clipped), result.numExamples(),
        metrics);
  }

  @Override
  public EvaluateResult evaluate(Parameters parameters, Config config) throws Exception {
    return client.evaluate(parameters, config);
  }
}

package io.flowersim.client;

/**
 * A federated client, as Flower's NumPyClient. The engine creates one for a single fit or evaluate
 * and drops it afterwards (ephemeral), so anything that must outlive the call goes into
 * {@link ClientContext#state()}.
 */
public interface Client {

  /** The client's current local parameters (used when the server asks a client to initialise). */
  Parameters getParameters(Config config);

  /** Trains on the client's data starting from {@code parameters}. */
  FitResult fit(Parameters parameters, Config config) throws Exception;

  /** Evaluates {@code parameters} on the client's held-out data. */
  EvaluateResult evaluate(Parameters parameters, Config config) throws Exception;
}

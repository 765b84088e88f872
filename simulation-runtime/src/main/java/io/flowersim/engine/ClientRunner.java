package io.flowersim.engine;

import io.flowersim.client.Client;
import io.flowersim.client.ClientContext;
import io.flowersim.client.ClientState;
import io.flowersim.client.ClippingClient;
import io.flowersim.client.ControlVariates;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.ScaffoldClient;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskSettings;

/**
 * Runs one virtual client call inside a worker (a local thread or a Ray actor): builds the
 * ephemeral client from the task, calls it, and drops it. The task is set up once per runner.
 */
public final class ClientRunner {

  private final FederatedTask task;
  private final TaskSettings settings;
  private final ClientStateStore states;

  public ClientRunner(FederatedTask task, TaskSettings settings, ClientStateStore states) {
    this.task = task;
    this.settings = settings;
    this.states = states;
  }

  /** Where this runner keeps its clients' state between calls. */
  public ClientStateStore states() {
    return states;
  }

  public FederatedTask task() {
    return task;
  }

  public FitResult fit(int clientId, Parameters parameters, Config config) throws Exception {
    ClientState state = states.checkout(clientId);
    try {
      FitResult result = fitClient(client(clientId, state), state, parameters, config)
          .fit(parameters, config);
      if (result == null) {
        throw new IllegalStateException("fit returned null");
      }
      if (result.parameters() == null) {
        throw new IllegalStateException("fit returned no parameters");
      }
      if (!result.parameters().sameLayoutAs(parameters)) {
        throw new IllegalStateException("fit returned parameters " + result.parameters()
            + " but the global model is " + parameters);
      }
      // One NaN averaged in poisons the global model: such an update is this client's failure.
      int bad = firstNonFinite(result.parameters().values());
      if (bad >= 0) {
        throw new IllegalStateException("fit returned parameters that are not finite (value "
            + bad + " is " + result.parameters().values()[bad] + "); not aggregated");
      }
      return result;
    } finally {
      states.checkin(clientId, state);
    }
  }

  private static int firstNonFinite(float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        return i;
      }
    }
    return -1;
  }

  public EvaluateResult evaluate(int clientId, Parameters parameters, Config config)
      throws Exception {
    ClientState state = states.checkout(clientId);
    try {
      EvaluateResult result = client(clientId, state).evaluate(parameters, config);
      if (result == null) {
        throw new IllegalStateException("evaluate returned null");
      }
      return result;
    } finally {
      states.checkin(clientId, state);
    }
  }

  /**
   * The task's client with the client-side parts of the strategy around it: SCAFFOLD's control
   * variates when the parameters carry them, then clipping of the update when the config asks for
   * it (client-side differential privacy), so that what leaves the client is already clipped.
   */
  private static Client fitClient(Client client, ClientState state, Parameters parameters,
      Config config) {
    Client wrapped = ControlVariates.carried(parameters) ? new ScaffoldClient(client, state)
        : client;
    return ClippingClient.requested(config) ? new ClippingClient(wrapped) : wrapped;
  }

  private Client client(int clientId, ClientState state) {
    return task.createClient(new ClientContext(clientId, clientId, settings.numClients(),
        settings.taskConfig(), state));
  }
}

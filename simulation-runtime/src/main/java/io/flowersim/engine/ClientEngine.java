package io.flowersim.engine;

import io.flowersim.client.ClientInstruction;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The virtual client engine: runs the sampled clients of a round, as many at once as resources
 * allow, and returns what they delivered. Every backend is the {@link ClientScheduler} over a
 * transport ({@link Workers}): threads of this JVM, worker JVMs, Ray actors.
 *
 * <p>All clients of one call get the same {@code parameters}, so a backend may ship them once.
 * A client that throws, or is still running when {@code timeout} ends, is returned as a failure;
 * the call itself returns by then.
 */
public interface ClientEngine extends AutoCloseable {

  /** One line for the user: backend, resources and how many clients run at once. */
  String description();

  /** The most clients this engine runs at the same time. */
  int maxConcurrentClients();

  /** Every client's update, each result with its parameters. */
  default RoundResults<FitResult> fit(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener) {
    return fit(round, parameters, instructions, timeout, listener, false);
  }

  /**
   * When {@code sumSuffices} (the strategy {@link
   * io.flowersim.strategy.Strategy#aggregatesMeanOfUpdates()}), the engine may deliver the
   * example-weighted sum of the updates ({@link RoundResults#updateSum()}) and leave each result's
   * parameters out, which saves a backend whose clients run in other processes shipping every
   * client's model back.
   */
  RoundResults<FitResult> fit(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener,
      boolean sumSuffices);

  RoundResults<EvaluateResult> evaluate(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener);

  /** The clients' state between their calls, kept in this process whatever the backend. */
  ClientStateStore clientStates();

  /** See {@link Workers#initialParameters}. */
  default Optional<Parameters> initialParameters(int clientId, Duration timeout) {
    return Optional.empty();
  }

  @Override
  void close();
}

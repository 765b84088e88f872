package io.flowersim.engine.worker;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.ClientResult;
import io.flowersim.client.ClientState;
import io.flowersim.client.RoundResults;
import io.flowersim.engine.ClientListener;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.RoundTimeout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What the clients of one round's fit or evaluate delivered through workers in other processes
 * (Ray actors, the local pool): each reply is logged with where it ran, and becomes a result, with
 * the client's new state kept in the driver, or a failure; the listener hears of each as it ends.
 */
public final class RoundCollector<R> {

  private final int round;
  private final ClientOperation operation;
  private final ClientStateStore states;
  private final PlacementLog placements;
  private final ClientListener listener;
  private final Function<Wire.Reply, R> decode;
  private final List<ClientResult<R>> results = new ArrayList<>();
  private final List<ClientFailure> failures = new ArrayList<>();

  public RoundCollector(int round, ClientOperation operation, ClientStateStore states,
      PlacementLog placements, ClientListener listener, Function<Wire.Reply, R> decode) {
    this.round = round;
    this.operation = operation;
    this.states = states;
    this.placements = placements;
    this.listener = listener;
    this.decode = decode;
  }

  /**
   * A worker's reply for {@code clientId}.
   *
   * @param node recorded with the result (null where the backend has no nodes)
   */
  public void reply(int clientId, Wire.Reply reply, String node) {
    placements.record(new Placement(round, operation, clientId, reply.nodeId(), reply.pid(),
        reply.startMillis(), reply.endMillis(), reply.initHookRuns()));
    if (reply.failed()) {
      failures.add(new ClientFailure(clientId, round, operation, reply.error(),
          reply.errorTrace()));
      listener.clientFinished(clientId, false);
      return;
    }
    R result;
    try {
      result = decode.apply(reply);
    } catch (RuntimeException e) {
      fail(clientId, e);
      return;
    }
    results.add(new ClientResult<>(clientId, result, node));
    states.checkin(clientId, new ClientState(reply.state()));
    listener.clientFinished(clientId, true);
  }

  /** The client gave no reply: its worker died, or the call could not be made. */
  public void fail(int clientId, Throwable error) {
    failures.add(ClientFailure.of(clientId, round, operation, error));
    listener.clientFinished(clientId, false);
  }

  /** The client's call was still running when the round's time ran out. */
  public void timedOut(int clientId, Duration timeout) {
    fail(clientId, RoundTimeout.stillRunning(timeout));
  }

  /** The client's call was still queued when the round's time ran out. */
  public void notStarted(int clientId, Duration timeout) {
    fail(clientId, RoundTimeout.notStarted(timeout));
  }

  public RoundResults<R> results() {
    return new RoundResults<>(results, failures);
  }
}

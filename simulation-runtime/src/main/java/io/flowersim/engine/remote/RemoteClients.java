package io.flowersim.engine.remote;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.ClientState;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.engine.Batch;
import io.flowersim.engine.BatchResult;
import io.flowersim.engine.ClientStateStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's half of batches that run in other processes (worker JVMs, Ray actors): each
 * client's call carries the state kept here; each reply is logged with where it ran and becomes a
 * result, with the client's new state kept, or a failure.
 */
final class RemoteClients {

  private volatile ClientStateStore states = new ClientStateStore();
  private final PlacementLog placements = new PlacementLog();
  private final boolean recordNodes;

  /**
   * @param recordNodes results name the node they ran on (Ray); the local pool has one node
   */
  RemoteClients(boolean recordNodes) {
    this.recordNodes = recordNodes;
  }

  /** The batch as a worker receives it. */
  Wire.Batch request(Batch<?> batch) {
    ArrayList<Wire.Call> calls = new ArrayList<>(batch.clients().size());
    for (ClientInstruction i : batch.clients()) {
      calls.add(new Wire.Call(batch.round(), batch.isFit(), i.clientId(), i.config().asMap(),
          states.checkout(i.clientId()).asMap()));
    }
    return new Wire.Batch(calls, batch.sumUpdates());
  }

  /** A worker's reply to {@link #request(Batch)}, one reply per client in the batch's order. */
  <R> BatchResult<R> results(Batch<R> batch, Wire.BatchReply reply) {
    List<ClientResult<R>> results = new ArrayList<>(batch.clients().size());
    List<ClientFailure> failures = new ArrayList<>();
    for (int k = 0; k < batch.clients().size(); k++) {
      int clientId = batch.clients().get(k).clientId();
      Wire.Reply r = reply.replies().get(k);
      placements.record(new Placement(batch.round(), batch.operation(), clientId, r.nodeId(),
          r.pid(), r.startMillis(), r.endMillis(), r.initHookRuns()));
      if (r.failed()) {
        failures.add(new ClientFailure(clientId, batch.round(), batch.operation(), r.error(),
            r.errorTrace()));
        continue;
      }
      R result;
      try {
        result = decode(batch, r);
      } catch (RuntimeException e) {
        failures.add(ClientFailure.of(clientId, batch.round(), batch.operation(), e));
        continue;
      }
      results.add(new ClientResult<>(clientId, result, recordNodes ? r.nodeId() : null));
      states.checkin(clientId, new ClientState(r.state()));
    }
    return new BatchResult<>(results, failures, reply.meanValues(), reply.meanExamples());
  }

  @SuppressWarnings("unchecked")
  private static <R> R decode(Batch<R> batch, Wire.Reply r) {
    if (!batch.isFit()) {
      return (R) new EvaluateResult(r.loss(), r.numExamples(), r.metrics());
    }
    Parameters trained = batch.sumUpdates() ? null
        : Parameters.withLayoutOf(batch.model(), r.values());
    return (R) new FitResult(trained, r.numExamples(), r.metrics());
  }

  ClientStateStore states() {
    return states;
  }

  void keepStatesIn(ClientStateStore store) {
    this.states = store;
  }

  /** The newest client calls (at most 10,000), with process and times. */
  List<Placement> placements() {
    return placements.snapshot();
  }
}

package io.flowersim.engine.remote;

import io.flowersim.engine.Batch;
import io.flowersim.engine.BatchResult;
import io.flowersim.engine.Batching;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.Workers;
import java.util.ArrayList;
import java.util.List;

/**
 * Workers in other processes (worker JVMs, Ray actors), each held by a handle {@code H} in a
 * fixed slot: a late or lost one is killed and a fresh one started in its place. The clients'
 * state stays here ({@link RemoteClients}) and travels with each batch.
 *
 * @param <H> the driver's handle on one worker process
 * @param <M> the round's model as it is shipped
 */
public abstract class RemoteWorkers<H, M> implements Workers<M> {

  private final Batching batching;
  private final RemoteClients clients;
  private final List<Slot<H>> slots = new ArrayList<>();
  private boolean closed;

  private static final class Slot<H> {
    H worker;
    int generation;

    Slot(H worker) {
      this.worker = worker;
    }
  }

  /**
   * @param recordNodes results name the node they ran on
   */
  protected RemoteWorkers(Batching batching, boolean recordNodes) {
    this.batching = batching;
    this.clients = new RemoteClients(recordNodes);
  }

  /** Starts a worker; called {@code size} times by {@link #startWorkers}, then by replace. */
  protected abstract H start();

  /** Ends a worker at once (it may be dead already). */
  protected abstract void kill(H worker);

  /** Sends {@code request} with {@code model} to {@code worker} and waits for its reply. */
  protected abstract Wire.BatchReply call(H worker, Wire.Batch request, M model, Batch<?> batch)
      throws io.flowersim.engine.WorkerLostException;

  /** Fills the slots; the subclass calls it once its own fields are set. */
  protected final synchronized void startWorkers(int size) {
    for (int i = 0; i < size; i++) {
      slots.add(new Slot<>(start()));
    }
  }

  @Override
  public final synchronized int size() {
    return slots.size();
  }

  @Override
  public final Batching batching() {
    return batching;
  }

  @Override
  public final <R> BatchResult<R> process(int worker, Batch<R> batch, M model)
      throws io.flowersim.engine.WorkerLostException {
    return clients.results(batch, call(at(worker), clients.request(batch), model, batch));
  }

  private synchronized H at(int worker) {
    return slots.get(worker).worker;
  }

  @Override
  public final ClientStateStore clientStates() {
    return clients.states();
  }

  /**
   * Keeps the clients' state in {@code store} instead of a store of these workers' own, before the
   * first batch: the engines of several client groups share one.
   */
  public final void keepClientStatesIn(ClientStateStore store) {
    clients.keepStatesIn(store);
  }

  @Override
  public final synchronized void replace(int worker) {
    Slot<H> slot = slots.get(worker);
    kill(slot.worker);
    if (!closed) {
      slot.worker = start();
      slot.generation++;
    }
  }

  /** The live workers, by slot. */
  protected final synchronized List<H> handles() {
    return slots.stream().map(s -> s.worker).toList();
  }

  /** Workers replaced so far (lost or late). */
  protected final synchronized int replacements() {
    return slots.stream().mapToInt(s -> s.generation).sum();
  }

  /** The newest client calls (at most 10,000), with where and when each ran. */
  protected final List<Placement> placementLog() {
    return clients.placements();
  }

  /** No worker is started after this; true the first time only. */
  protected final synchronized boolean markClosed() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  protected final synchronized boolean isClosed() {
    return closed;
  }
}

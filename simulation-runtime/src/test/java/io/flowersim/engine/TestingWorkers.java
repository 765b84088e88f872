package io.flowersim.engine;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.UpdateSum;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A transport for the scheduler's tests, standing in for workers in other processes. A client's
 * fit adds clientId + 1 to the model with clientId + 1 examples. {@link #hangOnce} makes a
 * client's call block until its worker is replaced (killed); {@link #dieOnce} makes its worker die
 * at that client, after the clients before it in the batch ran; {@link #waitFor} holds a client
 * until a latch opens.
 */
final class TestingWorkers implements Workers<Parameters> {

  private final int size;
  private final Batching batching;
  private final CountDownLatch[] killed;
  private final ClientStateStore states = new ClientStateStore();
  final Set<Integer> hangOnce = ConcurrentHashMap.newKeySet();
  final Set<Integer> dieOnce = ConcurrentHashMap.newKeySet();
  final Map<Integer, CountDownLatch> waitFor = new ConcurrentHashMap<>();
  final List<Integer> replaced = new CopyOnWriteArrayList<>();
  boolean closed;

  TestingWorkers(int size, Batching batching) {
    this.size = size;
    this.batching = batching;
    this.killed = new CountDownLatch[size];
    for (int w = 0; w < size; w++) {
      killed[w] = new CountDownLatch(1);
    }
  }

  @Override
  public String description() {
    return "testing transport, " + size + " workers";
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Batching batching() {
    return batching;
  }

  @Override
  public Parameters ship(Parameters model) {
    return model;
  }

  static float[] update(Parameters model, int clientId) {
    float[] v = model.values().clone();
    for (int i = 0; i < v.length; i++) {
      v[i] += clientId + 1;
    }
    return v;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <R> BatchResult<R> process(int worker, Batch<R> batch, Parameters model)
      throws WorkerLostException {
    CountDownLatch kill;
    synchronized (this) {
      kill = killed[worker];
    }
    List<ClientResult<R>> results = new ArrayList<>();
    UpdateSum sum = batch.sumUpdates() ? new UpdateSum(model) : null;
    for (ClientInstruction i : batch.clients()) {
      int id = i.clientId();
      try {
        CountDownLatch latch = waitFor.get(id);
        if (latch != null && !latch.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("client " + id + " waited in vain");
        }
        if (hangOnce.remove(id)) {
          kill.await();
          throw new WorkerLostException("worker " + worker + " killed", null);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkerLostException("interrupted", e);
      }
      if (dieOnce.remove(id)) {
        throw new WorkerLostException("the worker running client " + id + " died", null);
      }
      FitResult fit = new FitResult(Parameters.withLayoutOf(model, update(model, id)), id + 1,
          Map.of());
      if (sum != null) {
        sum.add(fit.parameters(), fit.numExamples());
        fit = new FitResult(null, fit.numExamples(), Map.of());
      }
      results.add(new ClientResult<>(id, (R) fit));
    }
    boolean summed = sum != null && sum.examples() > 0;
    return new BatchResult<>(results, List.<ClientFailure>of(),
        summed ? sum.mean().values() : null, summed ? sum.examples() : 0);
  }

  @Override
  public ClientStateStore clientStates() {
    return states;
  }

  @Override
  public synchronized void replace(int worker) {
    replaced.add(worker);
    killed[worker].countDown();
    killed[worker] = new CountDownLatch(1);
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (CountDownLatch k : killed) {
      k.countDown();
    }
  }
}

package io.flowersim.engine;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.client.UpdateSum;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The virtual client engine over any {@link Workers} transport, after the worker loop of Flower's
 * Virtual Client Engine: one driver thread per worker takes the round's next batch as soon as its
 * worker is free and blocks in {@link Workers#process}; this thread collects what they deliver
 * until all clients are done or the round's time is up. It owns, once for every backend: cutting
 * the round into batches ({@link Batching}), the deadline, the failures of clients that did not
 * start or did not finish in time, the worker lost with its batch, killing and replacing late or
 * lost workers, and the sum of the updates, added in batch order so that a seeded run sums alike
 * whichever worker ran which batch.
 */
public final class ClientScheduler implements ClientEngine {

  private static final AtomicInteger SCHEDULERS = new AtomicInteger();

  private final Workers<?> workers;
  private final ExecutorService[] drivers;
  private final int id = SCHEDULERS.incrementAndGet();
  private final AtomicInteger driverThreads = new AtomicInteger();
  private boolean closed;

  public ClientScheduler(Workers<?> workers) {
    this.workers = workers;
    this.drivers = new ExecutorService[workers.size()];
    for (int w = 0; w < drivers.length; w++) {
      drivers[w] = newDriver(w);
    }
  }

  @Override
  public String description() {
    return workers.description();
  }

  @Override
  public ClientStateStore clientStates() {
    return workers.clientStates();
  }

  @Override
  public int maxConcurrentClients() {
    return workers.size();
  }

  /**
   * With {@code sumSuffices}, on a transport whose workers sum ({@link Batching#sumsUpdates()}),
   * each batch sends back one mean instead of every update.
   */
  @Override
  public RoundResults<FitResult> fit(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener,
      boolean sumSuffices) {
    boolean sum = sumSuffices && workers.batching().sumsUpdates();
    return run(workers, parameters, instructions, timeout, listener, sum,
        clients -> Batch.fit(round, parameters, clients, sum));
  }

  @Override
  public RoundResults<EvaluateResult> evaluate(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener) {
    return run(workers, parameters, instructions, timeout, listener, false,
        clients -> Batch.evaluate(round, parameters, clients));
  }

  @Override
  public synchronized Optional<Parameters> initialParameters(int clientId, Duration timeout) {
    return workers.initialParameters(clientId, timeout);
  }

  /** What a driver thread hands back: the batch's result, or why there is none. */
  private record Done(int worker, int batch, BatchResult<?> result, Throwable error,
      boolean workerLost) {}

  /**
   * One phase's batches, claimed by the drivers in order. Once closed (all done or time up) a
   * driver gets nothing more and what it still delivers is dropped: its clients have been failed.
   */
  private static final class Phase {
    final BlockingQueue<Done> completions = new LinkedBlockingQueue<>();
    private final int count;
    private final int[] running;
    private int next;
    private boolean closed;

    Phase(int count, int workers) {
      this.count = count;
      this.running = new int[workers];
      java.util.Arrays.fill(running, -1);
    }

    /** The next batch for {@code worker}, or -1 when none is left. */
    synchronized int claim(int worker) {
      if (closed || next == count) {
        return -1;
      }
      running[worker] = next;
      return next++;
    }

    /** False when the phase is over: the batch was failed already and its worker replaced. */
    synchronized boolean complete(Done done) {
      if (closed) {
        return false;
      }
      running[done.worker()] = -1;
      completions.add(done);
      return true;
    }

    /** Ends the phase: the batches still running, by worker, and the first never started. */
    synchronized Map<Integer, Integer> close() {
      closed = true;
      Map<Integer, Integer> late = new LinkedHashMap<>();
      for (int w = 0; w < running.length; w++) {
        if (running[w] >= 0) {
          late.put(w, running[w]);
        }
      }
      return late;
    }

    synchronized int unclaimedFrom() {
      return next;
    }
  }

  @FunctionalInterface
  private interface BatchOf<R> {
    Batch<R> of(List<ClientInstruction> clients);
  }

  private synchronized <M, R> RoundResults<R> run(Workers<M> workers, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener,
      boolean sum, BatchOf<R> batchOf) {
    if (closed) {
      throw new IllegalStateException("the engine is closed");
    }
    List<Batch<R>> batches = new ArrayList<>();
    for (List<ClientInstruction> clients : workers.batching().split(instructions, drivers.length)) {
      batches.add(batchOf.of(clients));
    }
    M model = workers.ship(parameters);
    Phase phase = new Phase(batches.size(), drivers.length);
    for (int w = 0; w < Math.min(batches.size(), drivers.length); w++) {
      int worker = w;
      drivers[w].execute(() -> drive(workers, worker, phase, batches, model));
    }
    Collected<R> collected = new Collected<>(batches, listener);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (collected.batchesDone < batches.size()) {
        Done done = phase.completions.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (done == null) {
          break;
        }
        collected.take(done);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Map<Integer, Integer> late = phase.close();
    for (Done done; (done = phase.completions.poll()) != null; ) {
      collected.take(done);
    }
    late.forEach((worker, batch) -> {
      // A batch is answered whole: clients of it that had finished are lost with it.
      collected.failAll(batch, RoundTimeout.stillRunning(timeout));
      // Its worker is still busy with the late batch: kill it so the next round gets a fresh one.
      abandonDriver(worker);
      workers.replace(worker);
    });
    for (int b = phase.unclaimedFrom(); b < batches.size(); b++) {
      collected.failAll(b, RoundTimeout.notStarted(timeout));
    }
    return collected.results(sum ? new UpdateSum(parameters) : null);
  }

  /** A driver's loop: the next batch for its worker until none is left. */
  private static <M, R> void drive(Workers<M> workers, int worker, Phase phase,
      List<Batch<R>> batches, M model) {
    for (int b; (b = phase.claim(worker)) >= 0; ) {
      Done done;
      try {
        done = new Done(worker, b, workers.process(worker, batches.get(b), model), null, false);
      } catch (WorkerLostException e) {
        done = new Done(worker, b, null, e, true);
      } catch (RuntimeException | Error e) {
        done = new Done(worker, b, null, e, false);
      }
      if (!phase.complete(done)) {
        return;
      }
      if (done.workerLost()) {
        workers.replace(worker);
      }
    }
  }

  /** What the phase delivered so far, in the order it came; the sums kept by batch. */
  private static final class Collected<R> {
    private final List<Batch<R>> batches;
    private final ClientListener listener;
    private final List<ClientResult<R>> results = new ArrayList<>();
    private final List<ClientFailure> failures = new ArrayList<>();
    private final float[][] means;
    private final long[] meanExamples;
    int batchesDone;

    Collected(List<Batch<R>> batches, ClientListener listener) {
      this.batches = batches;
      this.listener = listener;
      this.means = new float[batches.size()][];
      this.meanExamples = new long[batches.size()];
    }

    @SuppressWarnings("unchecked")
    void take(Done done) {
      batchesDone++;
      if (done.result() == null) {
        failAll(done.batch(), done.error());
        return;
      }
      BatchResult<R> r = (BatchResult<R>) done.result();
      for (ClientResult<R> result : r.results()) {
        results.add(result);
        listener.clientFinished(result.clientId(), true);
      }
      for (ClientFailure failure : r.failures()) {
        failures.add(failure);
        listener.clientFinished(failure.clientId(), false);
      }
      means[done.batch()] = r.meanValues();
      meanExamples[done.batch()] = r.meanExamples();
    }

    void failAll(int batch, Throwable error) {
      Batch<R> b = batches.get(batch);
      for (ClientInstruction i : b.clients()) {
        failures.add(ClientFailure.of(i.clientId(), b.round(), b.operation(), error));
        listener.clientFinished(i.clientId(), false);
      }
    }

    RoundResults<R> results(UpdateSum sum) {
      if (sum != null) {
        for (int b = 0; b < means.length; b++) {
          if (means[b] != null) {
            sum.add(means[b], meanExamples[b]);
          }
        }
      }
      return new RoundResults<>(results, failures, Optional.ofNullable(sum));
    }
  }

  /**
   * The driver of a late worker may be stuck in a client that ignores interruption (a thread) or
   * in a read that ends only when the worker's kill arrives: the next round gets a fresh driver.
   */
  private void abandonDriver(int worker) {
    drivers[worker].shutdownNow();
    drivers[worker] = newDriver(worker);
  }

  private ExecutorService newDriver(int worker) {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "flowersim-client-" + id + "-" + worker + "-"
          + driverThreads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ExecutorService driver : drivers) {
      driver.shutdownNow();
    }
    workers.close();
  }
}

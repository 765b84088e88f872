package io.flowersim.engine;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.ClientResult;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded backend: clients run on a pool of threads in this JVM, as many at once as the
 * per-client resources allow. A fixed pool of that size is the resource accounting: a queued
 * client starts the moment one finishes, with no polling.
 */
public final class LocalEngine implements ClientEngine {

  private static final Logger LOG = LoggerFactory.getLogger(LocalEngine.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ClientRunner runner;
  private final EngineResources resources;
  private final int slots;
  private final String limitNote;
  private ExecutorService pool;

  /**
   * @param slots clients at once as resources allow ({@link ClientConcurrency#slots})
   */
  public LocalEngine(ClientRunner runner, EngineResources resources, int slots) {
    this.runner = runner;
    this.resources = resources;
    if (!runner.task().clientsRunConcurrentlyInOneProcess() && slots > 1) {
      this.slots = 1;
      this.limitNote = "; task " + runner.task().name() + " cannot train clients on parallel "
          + "threads of one JVM, so they run one at a time with the client's CPUs as intra-op threads "
          + "(resources would allow " + slots + "; --client-processes pool runs a pool of worker "
          + "JVMs)";
      LOG.info("{}", description());
    } else {
      this.slots = slots;
      this.limitNote = "";
    }
    this.pool = newPool();
  }

  @Override
  public String description() {
    return "local backend: " + resources + ", " + slots + " client(s) at once" + limitNote;
  }

  @Override
  public int maxConcurrentClients() {
    return slots;
  }

  @Override
  public RoundResults<FitResult> fit(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener) {
    return run(ClientOperation.FIT, round, instructions, timeout, listener,
        i -> runner.fit(i.clientId(), parameters, i.config()));
  }

  @Override
  public RoundResults<EvaluateResult> evaluate(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener) {
    return run(ClientOperation.EVALUATE, round, instructions, timeout, listener,
        i -> runner.evaluate(i.clientId(), parameters, i.config()));
  }

  @FunctionalInterface
  private interface Call<R> {
    R apply(ClientInstruction instruction) throws Exception;
  }

  private synchronized <R> RoundResults<R> run(ClientOperation operation, int round,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener,
      Call<R> call) {
    CompletionService<R> completion = new ExecutorCompletionService<>(pool);
    Map<Future<R>, Integer> pending = new IdentityHashMap<>();
    for (ClientInstruction instruction : instructions) {
      pending.put(completion.submit(() -> call.apply(instruction)), instruction.clientId());
    }
    List<ClientResult<R>> results = new ArrayList<>(instructions.size());
    List<ClientFailure> failures = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!pending.isEmpty()) {
        Future<R> done = completion.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (done == null) {
          break;
        }
        int clientId = pending.remove(done);
        try {
          results.add(new ClientResult<>(clientId, done.get()));
          listener.clientFinished(clientId, true);
        } catch (ExecutionException e) {
          failures.add(ClientFailure.of(clientId, round, operation, e.getCause()));
          listener.clientFinished(clientId, false);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!pending.isEmpty()) {
      timeOut(operation, round, timeout, pending, failures, listener);
    }
    return new RoundResults<>(results, failures);
  }

  private <R> void timeOut(ClientOperation operation, int round, Duration timeout,
      Map<Future<R>, Integer> pending, List<ClientFailure> failures, ClientListener listener) {
    for (Map.Entry<Future<R>, Integer> e : pending.entrySet()) {
      e.getKey().cancel(true);
      failures.add(ClientFailure.of(e.getValue(), round, operation,
          RoundTimeout.stillRunning(timeout)));
      listener.clientFinished(e.getValue(), false);
    }
    // A client that ignores interruption would keep its pool thread forever; start the next round
    // on a fresh pool so that the engine keeps its full concurrency.
    ExecutorService old = pool;
    old.shutdownNow();
    try {
      if (!old.awaitTermination(1, TimeUnit.SECONDS)) {
        LOG.warn("client threads of round {} ignore interruption; abandoning them", round);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    pool = newPool();
  }

  private ExecutorService newPool() {
    int poolId = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "flowersim-client-" + poolId + "-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    return Executors.newFixedThreadPool(slots, factory);
  }

  @Override
  public synchronized void close() {
    pool.shutdownNow();
  }
}

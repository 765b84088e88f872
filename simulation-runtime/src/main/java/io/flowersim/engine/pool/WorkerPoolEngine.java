package io.flowersim.engine.pool;

import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.engine.ClientEngine;
import io.flowersim.engine.ClientListener;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.worker.Placement;
import io.flowersim.engine.worker.PlacementLog;
import io.flowersim.engine.worker.RoundCollector;
import io.flowersim.engine.worker.Wire;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local backend for tasks that cannot train clients on parallel threads of one JVM (DJL's
 * PyTorch engine allows one training step per process): a pool of worker JVMs ({@link WorkerMain}),
 * as many as the per-client resources allow at once, started once per simulation. Each sets the
 * task up once and runs one client at a time; the round's parameters go to each worker once per
 * round, and each client's persistent state stays here and travels with its call, as with the Ray
 * backend. A worker that dies or overruns the round timeout is killed and replaced, and its client
 * counts as a failure of the round.
 */
public final class WorkerPoolEngine implements ClientEngine {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerPoolEngine.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final WorkerLauncher launcher;
  private final EngineResources resources;
  private final ClientStateStore states = new ClientStateStore();
  private final List<Slot> slots = new ArrayList<>();
  private final PlacementLog placements = new PlacementLog();
  private final ExecutorService io;
  private final Thread shutdownHook;
  private boolean closed;

  private static final class Slot {
    WorkerProcess worker;
    int generation;
  }

  /** A client call that came back: a reply, or the exception its worker's stream gave. */
  private record Done(Slot slot, WorkerProcess worker, ClientInstruction instruction,
      Wire.Reply reply, Throwable error) {}

  /**
   * Starts {@code size} workers and waits until each has set the task up (so round 1 is not the
   * warm-up); a worker that cannot set it up stops the pool and fails here, with its stack trace.
   */
  public static WorkerPoolEngine start(WorkerLauncher launcher, EngineResources resources,
      int size, Duration setupTimeout) {
    WorkerPoolEngine engine = launch(launcher, resources, size);
    engine.awaitReady(setupTimeout);
    return engine;
  }

  /** Starts {@code size} workers and returns while they set the task up. */
  public static WorkerPoolEngine launch(WorkerLauncher launcher, EngineResources resources,
      int size) {
    return new WorkerPoolEngine(launcher, resources, size);
  }

  private WorkerPoolEngine(WorkerLauncher launcher, EngineResources resources, int size) {
    this.launcher = launcher;
    this.resources = resources;
    int poolId = POOLS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.io = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "flowersim-pool-" + poolId + "-io-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    // Ctrl-C and System.exit do not reach close(); the workers also watch this process.
    this.shutdownHook = new Thread(this::killAll, "flowersim-pool-" + poolId + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    for (int i = 0; i < size; i++) {
      Slot s = new Slot();
      s.worker = launcher.launch();
      slots.add(s);
    }
    LOG.info("{}", description());
  }

  /**
   * Waits until every worker has set the task up; if one cannot (or none is ready within {@code
   * timeout}), closes the pool and throws, with the worker's stack trace.
   */
  public void awaitReady(Duration timeout) {
    try {
      awaitEachReady(timeout);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void awaitEachReady(Duration timeout) {
    List<Future<?>> ready = new ArrayList<>();
    for (Slot s : slots) {
      WorkerProcess w = s.worker;
      ready.add(io.submit(() -> {
        w.awaitReady();
        return null;
      }));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < ready.size(); i++) {
      try {
        ready.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        String what = cause instanceof WorkerProcess.SetupFailedException
            ? "could not set up task " + launcher.taskName() + ":\n" + cause.getMessage()
            : "died while starting (" + slots.get(i).worker.exitStatus() + "; its stderr is above)";
        throw new IllegalStateException("worker JVM " + slots.get(i).worker.pid() + " of the "
            + "local pool " + what, cause);
      } catch (TimeoutException e) {
        throw new IllegalStateException("worker JVMs of the local pool not ready after "
            + timeout.toSeconds() + "s (task " + launcher.taskName() + " setup)");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the worker pool", e);
      }
    }
  }

  @Override
  public String description() {
    return "local backend: " + resources + ", a pool of " + slots.size() + " worker JVMs ("
        + launcher.threadsPerWorker() + " intra-op thread(s) each), " + slots.size()
        + " client(s) at once; task " + launcher.taskName() + " cannot train clients on parallel "
        + "threads of one JVM (--client-processes single: one at a time in this JVM)";
  }

  @Override
  public int maxConcurrentClients() {
    return slots.size();
  }

  @Override
  public RoundResults<FitResult> fit(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener) {
    return run(round, ClientOperation.FIT, parameters, instructions, timeout, listener,
        r -> new FitResult(Parameters.withLayoutOf(parameters, r.values()), r.numExamples(),
            r.metrics()));
  }

  @Override
  public RoundResults<EvaluateResult> evaluate(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener) {
    return run(round, ClientOperation.EVALUATE, parameters, instructions, timeout, listener,
        r -> new EvaluateResult(r.loss(), r.numExamples(), r.metrics()));
  }

  private synchronized <R> RoundResults<R> run(int round, ClientOperation op,
      Parameters parameters, List<ClientInstruction> instructions, Duration timeout,
      ClientListener listener, Function<Wire.Reply, R> decode) {
    if (closed) {
      throw new IllegalStateException("the worker pool is closed");
    }
    byte[] model = Wire.model(parameters);
    // A fresh completion service per round: a killed worker's late answer lands in the old one.
    CompletionService<Done> completion = new ExecutorCompletionService<>(io);
    Deque<ClientInstruction> queue = new ArrayDeque<>(instructions);
    Deque<Slot> idle = new ArrayDeque<>(slots);
    List<Done> inFlight = new ArrayList<>();
    RoundCollector<R> collector =
        new RoundCollector<>(round, op, states, placements, listener, decode);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (!queue.isEmpty() || !inFlight.isEmpty()) {
        while (!queue.isEmpty() && !idle.isEmpty()) {
          Done started = dispatch(completion, idle.poll(), queue.poll(), round, op, model);
          inFlight.add(started);
        }
        Future<Done> next = completion.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (next == null) {
          break;
        }
        Done d = next.get();
        inFlight.removeIf(f -> f.slot() == d.slot());
        int clientId = d.instruction().clientId();
        if (d.error() != null) {
          collector.fail(clientId, died(d));
          replace(d.slot(), round);
        } else {
          collector.reply(clientId, d.reply(), null);
        }
        idle.add(d.slot());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("worker pool bookkeeping failed", e.getCause());
    }
    for (Done f : inFlight) {
      collector.timedOut(f.instruction().clientId(), timeout);
      // Its worker is still busy with the late call: kill it so the next round gets a fresh one.
      f.slot().worker.kill();
      replace(f.slot(), round);
    }
    for (ClientInstruction i : queue) {
      collector.notStarted(i.clientId(), timeout);
    }
    return collector.results();
  }

  private Done dispatch(CompletionService<Done> completion, Slot slot,
      ClientInstruction instruction, int round, ClientOperation op, byte[] model) {
    WorkerProcess worker = slot.worker;
    byte[] call = Wire.write(new Wire.Call(round, op == ClientOperation.FIT,
        instruction.clientId(), instruction.config().asMap(),
        states.checkout(instruction.clientId()).asMap()));
    completion.submit(() -> {
      try {
        return new Done(slot, worker, instruction, worker.call(model, call), null);
      } catch (IOException | RuntimeException e) {
        return new Done(slot, worker, instruction, null, e);
      }
    });
    return new Done(slot, worker, instruction, null, null);
  }

  /** Why a client's worker gave no reply: it died, or could not set the task up again. */
  private static Throwable died(Done d) {
    if (d.error() instanceof WorkerProcess.SetupFailedException) {
      return new IllegalStateException("the replacement worker JVM " + d.worker().pid()
          + " could not set the task up: " + d.error().getMessage(), d.error());
    }
    return new IllegalStateException("the worker JVM " + d.worker().pid() + " running this client "
        + "died (" + d.worker().exitStatus() + ")", d.error());
  }

  private void replace(Slot slot, int round) {
    LOG.warn("round {}: replacing worker JVM {} (generation {})", round, slot.worker.pid(),
        slot.generation);
    slot.worker.kill();
    slot.worker = launcher.launch();
    slot.generation++;
  }

  /** The newest client calls (at most 10,000), with process and times: for tests, diagnostics. */
  public List<Placement> placements() {
    return placements.snapshot();
  }

  /** Global models sent to the live workers so far: at most one per worker and round. */
  public synchronized int modelsSent() {
    return slots.stream().mapToInt(s -> s.worker.modelsSent()).sum();
  }

  /** Workers replaced so far (crashed or timed out). */
  public synchronized int replacedWorkers() {
    return slots.stream().mapToInt(s -> s.generation).sum();
  }

  /** The live worker processes. */
  public synchronized List<ProcessHandle> workers() {
    return slots.stream().map(s -> s.worker.handle()).toList();
  }

  private void killAll() {
    for (Slot s : slots) {
      s.worker.kill();
    }
  }

  /** Stops every worker (stdin closed; killed if busy) and waits until all are gone. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Slot s : slots) {
      s.worker.closeInput();
    }
    for (Slot s : slots) {
      s.worker.awaitExit(2000);
    }
    io.shutdownNow();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs anyway
    }
  }
}

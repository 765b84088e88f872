package io.flowersim.engine.pool;

import io.flowersim.client.Parameters;
import io.flowersim.engine.Batch;
import io.flowersim.engine.Batching;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.WorkerLostException;
import io.flowersim.engine.remote.Placement;
import io.flowersim.engine.remote.RemoteWorkers;
import io.flowersim.engine.remote.Wire;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport for tasks that cannot train clients on parallel threads of one JVM (DJL's PyTorch
 * engine allows one training step per process): a pool of worker JVMs ({@link WorkerMain}), as
 * many as the per-client resources allow at once, started once per simulation. Each sets the task
 * up once; the round's parameters go to each worker once per round, then its share of the round's
 * clients as one batch over its pipe, and for the FedAvg family it sends back one sum, not every
 * update. Each client's persistent state stays here and travels with its call, as on Ray.
 */
public final class WorkerPool extends RemoteWorkers<WorkerProcess, byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  /**
   * A batch is one pipe round trip, cheap next to a client's training; one share per worker lets
   * each send back one model per round. The price, as on Ray: a worker that finishes early does
   * not take over a slower one's clients, and a batch that outlives the round fails all of them.
   */
  static final Batching BATCHING = Batching.sharesPerWorker(1);

  private final WorkerLauncher launcher;
  private final EngineResources resources;
  private final Thread shutdownHook;

  /** Starts {@code size} workers and returns while they set the task up. */
  public static WorkerPool launch(WorkerLauncher launcher, EngineResources resources, int size) {
    return new WorkerPool(launcher, resources, size);
  }

  /** {@link #launch} and {@link #awaitReady}. */
  static WorkerPool start(WorkerLauncher launcher, EngineResources resources, int size,
      Duration setupTimeout) {
    WorkerPool pool = launch(launcher, resources, size);
    pool.awaitReady(setupTimeout);
    return pool;
  }

  private WorkerPool(WorkerLauncher launcher, EngineResources resources, int size) {
    super(BATCHING, false);
    this.launcher = launcher;
    this.resources = resources;
    int poolId = POOLS.incrementAndGet();
    // Ctrl-C and System.exit do not reach close(); the workers also watch this process.
    this.shutdownHook = new Thread(this::killAll, "flowersim-pool-" + poolId + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    startWorkers(size);
    LOG.info("{}", description());
  }

  /**
   * Waits until every worker has set the task up (so round 1 is not the warm-up); if one cannot
   * (or none is ready within {@code timeout}), closes the pool and throws, with the worker's stack
   * trace.
   */
  public void awaitReady(Duration timeout) {
    try {
      WorkerProcess.awaitAll(handles(), timeout, "worker JVM", "task " + launcher.taskName());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public String description() {
    return "local backend: " + resources + ", a pool of " + size() + " worker JVMs ("
        + launcher.threadsPerWorker() + " intra-op thread(s) each), " + size()
        + " client(s) at once; task " + launcher.taskName() + " cannot train clients on parallel "
        + "threads of one JVM (--client-processes single: one at a time in this JVM)";
  }

  @Override
  public byte[] ship(Parameters model) {
    if (isClosed()) {
      throw new IllegalStateException("the worker pool is closed");
    }
    return Wire.model(model);
  }

  @Override
  protected WorkerProcess start() {
    return launcher.launch();
  }

  @Override
  protected void kill(WorkerProcess worker) {
    LOG.warn("replacing worker JVM {}", worker.pid());
    worker.kill();
  }

  @Override
  protected Wire.BatchReply call(WorkerProcess worker, Wire.Batch request, byte[] model,
      Batch<?> batch) throws WorkerLostException {
    try {
      return Wire.batchReply(worker.call(model, Wire.write(request)));
    } catch (WorkerProcess.SetupFailedException e) {
      throw new WorkerLostException("the replacement worker JVM " + worker.pid()
          + " could not set the task up: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new WorkerLostException("the worker JVM " + worker.pid() + " running this client "
          + "died (" + worker.exitStatus() + ")", e);
    }
  }

  /** The newest client calls (at most 10,000), with process and times. */
  List<Placement> placements() {
    return placementLog();
  }

  /** Global models sent to the live workers so far: at most one per worker and round. */
  int modelsSent() {
    return handles().stream().mapToInt(WorkerProcess::modelsSent).sum();
  }

  /** Workers replaced so far (crashed or timed out). */
  int replacedWorkers() {
    return replacements();
  }

  /** The live worker processes. */
  List<ProcessHandle> workers() {
    return handles().stream().map(WorkerProcess::handle).toList();
  }

  private void killAll() {
    handles().forEach(WorkerProcess::kill);
  }

  /** Stops every worker (stdin closed; killed if busy) and waits until all are gone. */
  @Override
  public void close() {
    if (!markClosed()) {
      return;
    }
    List<WorkerProcess> workers = handles();
    workers.forEach(WorkerProcess::closeInput);
    workers.forEach(w -> w.awaitExit(2000));
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs anyway
    }
  }
}

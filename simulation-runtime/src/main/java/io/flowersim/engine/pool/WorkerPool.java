package io.flowersim.engine.pool;

import io.flowersim.client.Parameters;
import io.flowersim.engine.Batch;
import io.flowersim.engine.Batching;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.WorkerLostException;
import io.flowersim.engine.remote.Wire;
import java.io.IOException;
import java.time.Duration;
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
public final class WorkerPool extends ProcessPool {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

  /**
   * A batch is one pipe round trip, cheap next to a client's training; one share per worker lets
   * each send back one model per round. The price, as on Ray: a worker that finishes early does
   * not take over a slower one's clients, and a batch that outlives the round fails all of them.
   */
  static final Batching BATCHING = Batching.sharesPerWorker(1);

  private final WorkerLauncher launcher;
  private final EngineResources resources;

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
    super(BATCHING, "worker JVM");
    this.launcher = launcher;
    this.resources = resources;
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

  /** Global models sent to the live workers so far: at most one per worker and round. */
  int modelsSent() {
    return handles().stream().mapToInt(WorkerProcess::modelsSent).sum();
  }
}

package io.flowersim.engine.pool;

import io.flowersim.engine.Batching;
import io.flowersim.engine.remote.Placement;
import io.flowersim.engine.remote.RemoteWorkers;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pools of worker processes on this machine share, whatever the processes run (a worker
 * JVM, a Python worker): a shutdown hook that kills them, replacement by kill, and closing by
 * closing their input, so that each pool says only how it starts a worker and speaks to it.
 */
abstract class ProcessPool extends RemoteWorkers<WorkerProcess, byte[]> {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessPool.class);
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final String workerKind;
  private final Thread shutdownHook;

  /** @param workerKind what a worker is, for the log: "worker JVM", "Python worker" */
  ProcessPool(Batching batching, String workerKind) {
    super(batching, false);
    this.workerKind = workerKind;
    // Ctrl-C and System.exit do not reach close(); the workers also watch this process.
    this.shutdownHook = new Thread(this::killAll, "flowersim-pool-" + POOLS.incrementAndGet()
        + "-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  @Override
  protected final void kill(WorkerProcess worker) {
    LOG.warn("replacing {} {}", workerKind, worker.pid());
    worker.kill();
  }

  /** The newest client calls (at most 10,000), with process and times. */
  final List<Placement> placements() {
    return placementLog();
  }

  /** Workers replaced so far (crashed or timed out). */
  final int replacedWorkers() {
    return replacements();
  }

  /** The live worker processes. */
  final List<ProcessHandle> workers() {
    return handles().stream().map(WorkerProcess::handle).toList();
  }

  private void killAll() {
    handles().forEach(WorkerProcess::kill);
  }

  /** Stops every worker (stdin closed; killed if busy) and waits until all are gone. */
  @Override
  public final void close() {
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

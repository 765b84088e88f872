package io.flowersim.engine.pool;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The driver's handle on one worker process of a pool (a JVM, or a Python worker): started with
 * HELLO written to its stdin, it sets up while the driver goes on; the first read waits for its
 * READY. Payloads are the pool's own format ({@link io.flowersim.engine.remote.Wire} for JVMs,
 * {@link io.flowersim.engine.remote.PythonWire} for Python). Used by one thread at a time (the
 * scheduler hands a worker one batch at a time). Public for the one Python process of a Flower
 * App's centralized evaluation ({@link io.flowersim.flowerapp.CentralEvaluator}), which speaks
 * the same frames outside any pool.
 */
public final class WorkerProcess {

  /** The worker could not set the task up (its stack trace is the message). */
  public static final class SetupFailedException extends IOException {
    SetupFailedException(String message) {
      super(message);
    }
  }

  private final Process process;
  private final DataOutputStream out;
  private final DataInputStream in;
  private byte[] ready;
  private byte[] modelSent;
  private int modelsSent;

  private WorkerProcess(Process process) {
    this.process = process;
    this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
    this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
  }

  /** Starts {@code command}; the worker's stderr is this JVM's stderr. */
  public static WorkerProcess start(List<String> command, Map<String, String> environment,
      byte[] hello) {
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().putAll(environment);
    try {
      WorkerProcess worker = new WorkerProcess(builder.start());
      Frames.write(worker.out, Frames.HELLO, hello);
      worker.out.flush();
      return worker;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a worker process (" + command.get(0) + "): "
          + e.getMessage(), e);
    }
  }

  /**
   * Waits until each of {@code workers} is set up, within {@code timeout} for all; their READY
   * payloads, in order. Throws, naming the worker and with its stack trace, when one could not
   * set up ({@code what}, e.g. "task synthetic") or died.
   *
   * @param kind "worker JVM", "Python worker"
   */
  static List<byte[]> awaitAll(List<WorkerProcess> workers, Duration timeout, String kind,
      String what) {
    ExecutorService waiting = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "flowersim-pool-ready");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<byte[]>> ready = new ArrayList<>();
      for (WorkerProcess w : workers) {
        ready.add(waiting.submit(w::awaitReady));
      }
      List<byte[]> payloads = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      for (int i = 0; i < ready.size(); i++) {
        try {
          payloads.add(ready.get(i).get(Math.max(0, deadline - System.nanoTime()),
              TimeUnit.NANOSECONDS));
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          String failure = cause instanceof SetupFailedException
              ? "could not set up " + what + ":\n" + cause.getMessage()
              : "died while starting (" + workers.get(i).exitStatus() + "; its stderr is above)";
          throw new IllegalStateException(kind + " " + workers.get(i).pid() + " of the "
              + "local pool " + failure, cause);
        } catch (TimeoutException e) {
          throw new IllegalStateException(kind + "s of the local pool not ready after "
              + timeout.toSeconds() + "s (" + what + " setup)");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while starting the worker pool", e);
        }
      }
      return payloads;
    } finally {
      waiting.shutdownNow();
    }
  }

  public long pid() {
    return process.pid();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Blocks until the worker is set up; its READY payload. */
  public byte[] awaitReady() throws IOException {
    if (ready != null) {
      return ready;
    }
    Frames.Frame f = Frames.read(in);
    if (f.type() == Frames.SETUP_FAILED) {
      throw new SetupFailedException(new String(f.payload(), StandardCharsets.UTF_8));
    }
    if (f.type() != Frames.READY) {
      throw new IOException("worker " + pid() + ": expected READY, got frame type " + f.type());
    }
    ready = f.payload();
    return ready;
  }

  /**
   * One batch of client calls: the model first if this worker has not got it yet (the same array
   * for every batch of a round), then the batch; blocks until the reply.
   */
  public byte[] call(byte[] model, byte[] batch) throws IOException {
    if (model != null && model != modelSent) {
      Frames.write(out, Frames.MODEL, model);
      modelSent = model;
      modelsSent++;
    }
    Frames.write(out, Frames.CALL, batch);
    out.flush();
    awaitReady();
    Frames.Frame f = Frames.read(in);
    if (f.type() != Frames.REPLY) {
      throw new IOException("worker " + pid() + ": expected REPLY, got frame type " + f.type());
    }
    return f.payload();
  }

  /** How many global models this worker has been sent. */
  int modelsSent() {
    return modelsSent;
  }

  /** "exit code 137", or "still running". */
  public String exitStatus() {
    try {
      if (process.waitFor(2, TimeUnit.SECONDS)) {
        return "exit code " + process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "still running";
  }

  /** Kills the worker at once (a crashed or late one). */
  public void kill() {
    process.destroyForcibly();
  }

  /** Closes its stdin: the worker exits by itself once it is between calls. */
  public void closeInput() {
    try {
      out.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** Waits {@code graceMillis} for the worker to exit, kills it if it has not, waits until gone. */
  public void awaitExit(long graceMillis) {
    try {
      if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}

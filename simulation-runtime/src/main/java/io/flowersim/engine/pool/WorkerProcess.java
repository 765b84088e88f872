package io.flowersim.engine.pool;

import io.flowersim.engine.remote.Wire;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The driver's handle on one worker JVM of the pool: started with HELLO written to its stdin, it
 * sets the task up while the driver goes on; the first read waits for its READY. Used by one thread
 * at a time (the scheduler hands a worker one batch at a time).
 */
final class WorkerProcess {

  /** The worker could not set the task up (its stack trace is the message). */
  static final class SetupFailedException extends IOException {
    SetupFailedException(String message) {
      super(message);
    }
  }

  private final Process process;
  private final DataOutputStream out;
  private final DataInputStream in;
  private boolean ready;
  private byte[] modelSent;
  private int modelsSent;

  private WorkerProcess(Process process) {
    this.process = process;
    this.out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
    this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
  }

  /** Starts {@code command}; the worker's stderr is this JVM's stderr. */
  static WorkerProcess start(List<String> command, Map<String, String> environment,
      Frames.Hello hello) {
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().putAll(environment);
    try {
      WorkerProcess worker = new WorkerProcess(builder.start());
      Frames.write(worker.out, Frames.HELLO, Wire.write(hello));
      worker.out.flush();
      return worker;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a worker JVM (" + command.get(0) + "): "
          + e.getMessage(), e);
    }
  }

  long pid() {
    return process.pid();
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Blocks until the task is set up in the worker. */
  void awaitReady() throws IOException {
    if (ready) {
      return;
    }
    Frames.Frame f = Frames.read(in);
    if (f.type() == Frames.SETUP_FAILED) {
      throw new SetupFailedException(new String(f.payload(), StandardCharsets.UTF_8));
    }
    if (f.type() != Frames.READY) {
      throw new IOException("worker " + pid() + ": expected READY, got frame type " + f.type());
    }
    ready = true;
  }

  /**
   * One batch of client calls: the model first if this worker has not got it yet (the same array
   * for every batch of a round), then the batch; blocks until the reply.
   */
  Wire.BatchReply call(byte[] model, byte[] batch) throws IOException {
    if (model != modelSent) {
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
    return Wire.batchReply(f.payload());
  }

  /** How many global models this worker has been sent. */
  int modelsSent() {
    return modelsSent;
  }

  /** "exit code 137", or "still running". */
  String exitStatus() {
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
  void kill() {
    process.destroyForcibly();
  }

  /** Closes its stdin: the worker exits by itself once it is between calls. */
  void closeInput() {
    try {
      out.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** Waits {@code graceMillis} for the worker to exit, kills it if it has not, waits until gone. */
  void awaitExit(long graceMillis) {
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

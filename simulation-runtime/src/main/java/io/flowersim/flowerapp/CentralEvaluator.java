package io.flowersim.flowerapp;

import io.flowersim.client.EvaluateResult;
import io.flowersim.client.Parameters;
import io.flowersim.engine.pool.WorkerProcess;
import io.flowersim.engine.remote.PythonWire;
import io.flowersim.task.TaskConfigException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * spec.flowerApp.evaluateFn, the Flower App's centralized evaluation, as the server's evaluate
 * function: one Python process of the driver ({@code python -m flowersim_worker evaluate}) that
 * imports the app once and, per call, gets the global model as an {@code ArrayRecord} and the
 * round, as Flower's strategies call their evaluate_fn. The server calls it when it calls a Java
 * task's {@code evaluateCentralized}: round 0 on the initial model, then after every round. A
 * raising evaluateFn fails the run as a Java task's exception there would, naming the field and
 * the round, its traceback in the log; so does one still running after the call timeout (the
 * round's, spec.roundTimeoutSeconds), whose process is killed: a hung evaluation would otherwise
 * hold the run with nothing to show for it.
 */
public final class CentralEvaluator
    implements BiFunction<Integer, Parameters, Optional<EvaluateResult>>, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CentralEvaluator.class);
  static final String FIELD = "spec.flowerApp.evaluateFn";

  private final FlowerApp app;
  private final WorkerProcess process;
  private final Duration callTimeout;
  private final ExecutorService calls;
  private final Thread shutdownHook;
  private final Set<String> warnedMetrics = new HashSet<>();
  private boolean closed;

  private CentralEvaluator(FlowerApp app, WorkerProcess process, Duration callTimeout) {
    this.app = app;
    this.process = process;
    this.callTimeout = callTimeout;
    this.calls = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "flowersim-central-evaluation");
      t.setDaemon(true);
      return t;
    });
    // Ctrl-C and System.exit do not reach close(); the process also watches this one.
    this.shutdownHook = new Thread(process::kill, "flowersim-central-evaluation-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts the process of {@code app}'s evaluateFn and returns while it imports the app; each call
   * may take {@code callTimeout}.
   */
  public static CentralEvaluator start(PythonEnvironment python, FlowerApp app,
      Duration callTimeout) {
    if (app.evaluateFn() == null) {
      throw new IllegalArgumentException(app + " names no " + FIELD);
    }
    return new CentralEvaluator(app, WorkerProcess.start(python.command("evaluate"),
        python.environment(), PythonWire.evaluatorHello(app.directory().toString(),
            app.evaluateFn())), callTimeout);
  }

  /**
   * Waits until the process has imported the evaluateFn; if it cannot (or not within {@code
   * timeout}), closes it and throws: a {@link TaskConfigException} with validate's line when the
   * evaluateFn does not import or is not callable, else with the Python traceback.
   */
  public void awaitReady(Duration timeout) {
    try {
      // On the calls' thread, which then is free: the first call comes after this returns.
      calls.submit(process::awaitReady).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      LOG.info("{}: {} in Python process {}", FIELD, app.evaluateFn(), process.pid());
    } catch (ExecutionException e) {
      close();
      FlowerAppCheck.refuseIfProblem(e.getCause());
      throw new IllegalStateException(e.getCause() instanceof WorkerProcess.SetupFailedException
          ? FIELD + ": the Python process could not import " + app.evaluateFn() + ":\n"
              + e.getCause().getMessage()
          : FIELD + ": the Python process died while importing " + app.evaluateFn() + " ("
              + process.exitStatus() + "; its stderr is above)", e.getCause());
    } catch (TimeoutException e) {
      close();
      throw new IllegalStateException(FIELD + ": " + app.evaluateFn() + " not imported after "
          + timeout.toSeconds() + "s");
    } catch (InterruptedException e) {
      close();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while importing " + FIELD, e);
    }
  }

  /**
   * The evaluateFn's MetricRecord on {@code parameters} in {@code round}: its loss (or
   * eval_loss), num-examples and numeric metrics; empty when it returned None.
   *
   * @throws IllegalStateException naming the field and round when it raised, did not return
   *     within the call timeout (its process is killed then) or its process died
   */
  @Override
  public synchronized Optional<EvaluateResult> apply(Integer round, Parameters parameters) {
    if (closed) {
      throw new IllegalStateException(FIELD + ": its Python process is closed");
    }
    byte[] model = PythonWire.model(parameters);
    Future<byte[]> call = calls.submit(() -> process.call(model, PythonWire.centralCall(round)));
    byte[] reply;
    try {
      reply = call.get(callTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(FIELD + ": its Python process " + process.pid() + " died "
          + "in round " + round + " (" + process.exitStatus() + "; its stderr is above)",
          e.getCause());
    } catch (TimeoutException e) {
      LOG.error("{} ({}) still running in round {} after {}s (spec.roundTimeoutSeconds); killing "
          + "its Python process {}", FIELD, app.evaluateFn(), round, callTimeout.toSeconds(),
          process.pid());
      kill();
      throw new IllegalStateException(FIELD + " (" + app.evaluateFn() + ") did not return in "
          + "round " + round + " within " + callTimeout.toSeconds()
          + "s (spec.roundTimeoutSeconds)");
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
      throw new IllegalStateException(FIELD + ": interrupted in round " + round, e);
    }
    PythonWire.CentralReply central = PythonWire.centralReply(reply);
    if (central.error() != null) {
      LOG.error("{} ({}) raised in round {}:\n{}", FIELD, app.evaluateFn(), round,
          central.trace());
      throw new IllegalStateException(FIELD + " (" + app.evaluateFn() + ") failed in round "
          + round + ": " + central.error());
    }
    central.dropped().stream().filter(warnedMetrics::add).forEach(name -> LOG.warn(
        "metric {} of {} (first in round {}) is not a number: not recorded", name, FIELD,
        round));
    return central.result();
  }

  /** Closes the process's input (it exits between calls) and waits until it is gone. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    process.closeInput();
    process.awaitExit(2000);
    release();
  }

  /** Ends the process at once: a call of it is late and its answer would come for no one. */
  private void kill() {
    closed = true;
    process.kill();
    process.awaitExit(0);
    release();
  }

  private void release() {
    calls.shutdownNow();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs anyway
    }
  }

  /** The process's id, for tests that check it is gone after {@link #close()}. */
  long pid() {
    return process.pid();
  }

  @Override
  public String toString() {
    return FIELD + " " + app.evaluateFn();
  }
}

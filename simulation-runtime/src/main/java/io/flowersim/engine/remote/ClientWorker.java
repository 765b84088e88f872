package io.flowersim.engine.remote;

import io.flowersim.client.ClientState;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.UpdateSum;
import io.flowersim.engine.ClientRunner;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.WorkerInitHook;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskRegistry;
import io.flowersim.task.TaskSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker's half of a remote client call, whatever carries it (a Ray actor, a JVM of the local
 * worker pool): runs the init hook, loads the task by name and sets it up once; then each call
 * builds an ephemeral client through a {@link ClientRunner} with the client's state shipped in and
 * out (the driver keeps it), and answers with a {@link Wire.Reply}: a client that throws becomes an
 * error reply, not an exception.
 */
public final class ClientWorker {

  /** How many init hooks ran in this process: one per worker, told back with every reply. */
  private static final AtomicInteger INIT_HOOK_RUNS = new AtomicInteger();

  private final FederatedTask task;
  private final TaskSettings settings;
  private final String nodeId;
  private final long pid = ProcessHandle.current().pid();

  public ClientWorker(String taskName, TaskSettings settings, String initHook, String nodeId,
      ClassLoader loader) throws Exception {
    if (initHook != null && !initHook.isEmpty()) {
      WorkerInitHook.run(initHook, loader);
      INIT_HOOK_RUNS.incrementAndGet();
    }
    this.settings = settings;
    this.nodeId = nodeId;
    this.task = TaskRegistry.load(loader).create(taskName);
    task.setup(settings);
  }

  public long pid() {
    return pid;
  }

  /**
   * The calls of a batch in order. With {@code sumUpdates}, each successful fit's values go into
   * one example-weighted sum as soon as it returns, so the worker holds one update at a time and
   * sends back one model for the batch.
   */
  public Wire.BatchReply batch(Wire.Batch batch, Parameters model) {
    UpdateSum sum = batch.sumUpdates() ? new UpdateSum(model) : null;
    ArrayList<Wire.Reply> replies = new ArrayList<>(batch.calls().size());
    for (Wire.Call call : batch.calls()) {
      Wire.Reply reply = call(call, model);
      if (sum != null && call.fit() && !reply.failed()) {
        sum.add(reply.values(), reply.numExamples());
        reply = reply.withoutValues();
      }
      replies.add(reply);
    }
    boolean summed = sum != null && sum.examples() > 0;
    return new Wire.BatchReply(replies, summed ? sum.mean().values() : null,
        summed ? sum.examples() : 0);
  }

  /** One fit or evaluate of {@code call.clientId()} on {@code model}. */
  public Wire.Reply call(Wire.Call call, Parameters model) {
    long start = System.currentTimeMillis();
    try {
      ClientStateStore states = new ClientStateStore();
      if (call.state() != null && !call.state().isEmpty()) {
        states.checkin(call.clientId(), new ClientState(call.state()));
      }
      ClientRunner runner = new ClientRunner(task, settings, states);
      Config config = Config.of(call.config());
      float[] values = null;
      double loss = 0;
      long examples;
      HashMap<String, Double> metrics;
      if (call.fit()) {
        FitResult r = runner.fit(call.clientId(), model, config);
        values = r.parameters().values();
        examples = r.numExamples();
        metrics = new HashMap<>(r.metrics());
      } else {
        EvaluateResult r = runner.evaluate(call.clientId(), model, config);
        loss = r.loss();
        examples = r.numExamples();
        metrics = new HashMap<>(r.metrics());
      }
      return new Wire.Reply(null, null, values, examples, loss, metrics,
          new HashMap<>(states.checkout(call.clientId()).asMap()), nodeId, pid, start,
          System.currentTimeMillis(), INIT_HOOK_RUNS.get());
    } catch (Throwable t) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      return new Wire.Reply(t.toString(), trace.toString(), null, 0, 0, null, null, nodeId, pid,
          start, System.currentTimeMillis(), INIT_HOOK_RUNS.get());
    }
  }
}

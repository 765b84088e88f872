package io.flowersim.engine.ray;

import io.flowersim.client.ClientState;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.engine.ClientRunner;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskRegistry;
import io.flowersim.task.TaskSettings;
import io.ray.api.Ray;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Ray actor that runs virtual clients, one call at a time. The task is loaded by name and set up
 * once, when the actor starts (after the init hook); each call builds an ephemeral client through a
 * {@link ClientRunner}, with the client's state shipped in and out, and drops it.
 */
public final class ClientActor {

  /** How many init hooks ran in this worker JVM: one per actor, told back with every reply. */
  private static final AtomicInteger INIT_HOOK_RUNS = new AtomicInteger();

  private final FederatedTask task;
  private final TaskSettings settings;
  private final String nodeId;
  private final long pid;
  private Parameters cachedModel;
  private byte[] cachedModelBytes;

  public ClientActor(String taskName, byte[] settingsBytes, String initHook) throws Exception {
    ClassLoader loader = ClientActor.class.getClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    if (initHook != null && !initHook.isEmpty()) {
      ((ActorInitHook) Class.forName(initHook, true, loader).getDeclaredConstructor()
          .newInstance()).onActorInit();
      INIT_HOOK_RUNS.incrementAndGet();
    }
    this.settings = Wire.settings(settingsBytes);
    this.task = TaskRegistry.load(loader).create(taskName);
    task.setup(settings);
    this.nodeId = Ray.getRuntimeContext().getCurrentNodeId().toString();
    this.pid = ProcessHandle.current().pid();
  }

  /** Where this actor runs: "nodeId pid". */
  public String where() {
    return nodeId + " " + pid;
  }

  /**
   * One fit or evaluate. {@code model} arrives by reference (one object per round in the object
   * store); a client that throws comes back as an error reply, not as an exception.
   */
  public byte[] call(byte[] callBytes, byte[] model) {
    Wire.Reply reply = new Wire.Reply();
    reply.nodeId = nodeId;
    reply.pid = pid;
    reply.initHookRuns = INIT_HOOK_RUNS.get();
    reply.startMillis = System.currentTimeMillis();
    try {
      Thread.currentThread().setContextClassLoader(ClientActor.class.getClassLoader());
      Wire.Call call = Wire.read(callBytes);
      Parameters parameters = model(model);
      ClientStateStore states = new ClientStateStore();
      if (call.state != null && !call.state.isEmpty()) {
        states.checkin(call.clientId, new ClientState(call.state));
      }
      ClientRunner runner = new ClientRunner(task, settings, states);
      Config config = Config.of(call.config);
      if (call.fit) {
        FitResult r = runner.fit(call.clientId, parameters, config);
        reply.values = r.parameters().values();
        reply.numExamples = r.numExamples();
        reply.metrics = new HashMap<>(r.metrics());
      } else {
        EvaluateResult r = runner.evaluate(call.clientId, parameters, config);
        reply.loss = r.loss();
        reply.numExamples = r.numExamples();
        reply.metrics = new HashMap<>(r.metrics());
      }
      reply.state = new HashMap<>(states.checkout(call.clientId).asMap());
    } catch (Throwable t) {
      reply.error = t.toString();
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      reply.errorTrace = trace.toString();
    }
    reply.endMillis = System.currentTimeMillis();
    return Wire.write(reply);
  }

  /** The same round's model is decoded once per actor, not once per client. */
  private Parameters model(byte[] bytes) {
    if (bytes != cachedModelBytes && !java.util.Arrays.equals(bytes, cachedModelBytes)) {
      cachedModel = Wire.parameters(Wire.read(bytes));
      cachedModelBytes = bytes;
    }
    return cachedModel;
  }
}

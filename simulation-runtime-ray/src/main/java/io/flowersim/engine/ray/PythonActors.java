package io.flowersim.engine.ray;

import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.client.Parameters;
import io.flowersim.engine.Batch;
import io.flowersim.engine.Batching;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.EngineBackend;
import io.flowersim.engine.WorkerLostException;
import io.flowersim.engine.remote.PythonCalls;
import io.flowersim.engine.remote.PythonWire;
import io.flowersim.engine.remote.Wire;
import io.flowersim.flowerapp.FlowerApp;
import io.ray.api.ObjectRef;
import io.ray.api.PyActorHandle;
import io.ray.api.Ray;
import io.ray.api.WaitResult;
import io.ray.api.exception.RayActorException;
import io.ray.api.exception.RayTimeoutException;
import io.ray.api.function.PyActorClass;
import io.ray.api.function.PyActorMethod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ray transport of a Flower App's clients: the workers are Python actors
 * ({@code flowersim_worker.ray_actor.ClientActor}) that this Java driver creates through Ray's
 * cross-language API, each reserving one client's CPUs, GPUs and memory as the Java actors of
 * {@link RayActors} do, and each importing the ClientApp once. Only bytes cross, in the local
 * pool's wire format ({@link PythonWire}): the round's model is put in the object store once and
 * passed by reference; each actor gets one equal share of the round's clients and, for the FedAvg
 * family, sends back their example-weighted mean instead of every update. Batches, sums,
 * timeouts and replacement are the scheduler's; the clients' state stays in the driver.
 */
public final class PythonActors extends ActorWorkers<PyActorHandle> {

  private static final Logger LOG = LoggerFactory.getLogger(PythonActors.class);

  static final PyActorClass ACTOR = PyActorClass.of("flowersim_worker.ray_actor", "ClientActor");
  private static final PyActorMethod<byte[]> READY = PyActorMethod.of("ready", byte[].class);
  private static final PyActorMethod<byte[]> CALL = PyActorMethod.of("call", byte[].class);
  /** No model: the initial-model call brings its own. */
  private static final byte[] NO_MODEL = new byte[0];

  /** How the engine connects, what each actor imports and reserves. */
  public record Options(String address, String codeSearchPath, FlowerApp app, int numClients,
      ClientResources perClient, String workerGroup, int maxActors, ClientStateStore states) {

    public static Options from(EngineBackend.Request r) {
      return new Options(r.address(), RayActors.codeSearchPath(), r.flowerApp(),
          r.settings().numClients(), r.perClient(), r.workerGroup(), r.maxWorkers(), r.states());
    }
  }

  private final Options options;
  private final String clusterSummary;
  private final byte[] hello;
  private final PythonCalls calls = new PythonCalls();
  private volatile String kind = "";

  private PythonActors(Options options, int poolSize, String clusterSummary) {
    super(RayActors.BATCHING);
    this.options = options;
    this.clusterSummary = clusterSummary;
    this.hello = options.app().hello(options.numClients(),
        FlowerApp.gpuMemoryBytes(options.perClient()));
    startWorkers(poolSize);
  }

  /**
   * Connects to the cluster (as {@link RayActors#connect} does), sizes the pool from the alive
   * nodes' resources, starts the actors and waits until each has imported the app; an app that
   * cannot be imported there fails here, with the actor's traceback, before any round.
   */
  static PythonActors connect(Options options) {
    RayActors.init(options.address(), options.codeSearchPath(), RayActors.JDK17_OPENS);
    RayActors.Sizing sizing = RayActors.Sizing.of(options.perClient(), options.workerGroup(),
        options.address(), options.maxActors());
    PythonActors engine = new PythonActors(options, sizing.actors(), sizing.summary());
    if (options.states() != null) {
      engine.keepClientStatesIn(options.states());
    }
    try {
      engine.awaitActors(Duration.ofSeconds(180));
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    return engine;
  }

  @Override
  protected PyActorHandle start() {
    var creator = Ray.actor(ACTOR, hello);
    RayActors.request(options.perClient(), options.workerGroup()).forEach(creator::setResource);
    creator.setMaxRestarts(0);
    return creator.remote();
  }

  private void awaitActors(Duration timeout) {
    List<ObjectRef<byte[]>> refs = new ArrayList<>();
    for (PyActorHandle actor : handles()) {
      refs.add(actor.task(READY).remote());
    }
    WaitResult<byte[]> w = Ray.wait(refs, refs.size(), (int) timeout.toMillis());
    if (!w.getUnready().isEmpty()) {
      LOG.warn("{} of {} Ray Python actors not up after {}s; continuing", w.getUnready().size(),
          refs.size(), timeout.toSeconds());
      return;
    }
    List<PythonWire.Ready> ready = new ArrayList<>();
    try {
      for (byte[] r : Ray.get(refs)) {
        ready.add(PythonWire.ready(r));
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("the Ray Python actors failed to start: " + e.getMessage()
          + " (does the cluster's Python have flwr? scripts/ray-cluster.sh installs it; worker "
          + "logs: <ray temp dir>/session_latest/logs/python-core-worker-*.log)", e);
    }
    for (PythonWire.Ready r : ready) {
      if (r.error() != null) {
        throw new IllegalStateException("a Ray Python actor on node " + r.node() + " could not "
            + "import " + options.app() + ": " + r.error().strip());
      }
    }
    kind = ready.get(0).kind();
    ready.stream().map(PythonWire.Ready::gpuMemory).filter(g -> g != null).distinct()
        .forEach(g -> LOG.info("{}", g));
    LOG.info("Ray Python actors at {}", ready.stream().map(r -> r.node() + " " + r.pid())
        .toList());
  }

  @Override
  public String description() {
    return "ray backend at " + options.address() + ": " + clusterSummary + ", " + size()
        + " Python actor(s) of " + RayActors.request(options.perClient()).entrySet().stream()
            .map(e -> e.getKey() + " " + RayActors.fmt(e.getValue()))
            .collect(Collectors.joining(", ")) + ", " + size() + " client(s) at once; "
        + options.app() + (kind.isEmpty() ? "" : ", " + kind + " API");
  }

  @Override
  public ObjectRef<byte[]> ship(Parameters model) {
    return Ray.put(calls.model(model));
  }

  /** One actor task per batch; this thread waits for it alone, as for the Java actors. */
  @Override
  protected Wire.BatchReply call(PyActorHandle actor, Wire.Batch request,
      ObjectRef<byte[]> model, Batch<?> batch) throws WorkerLostException {
    try {
      byte[] reply = Ray.get(actor.task(CALL, calls.call(batch, request), model).remote());
      return calls.reply(reply, null, batch, request);
    } catch (RayActorException e) {
      LOG.warn("round {}: the Ray Python actor running clients {} died; replacing it",
          batch.round(), batch.clients().stream().map(i -> i.clientId()).toList());
      throw new WorkerLostException("the Ray Python actor (worker process) running this client "
          + "died: " + e.getMessage(), e);
    }
  }

  /**
   * The initial global model from {@code clientId} (spec.flowerApp.initialArrays, or its
   * get_parameters), on the first actor; the dtypes of its arrays are kept for every later model.
   */
  @Override
  public Optional<Parameters> initialParameters(int clientId, Duration timeout) {
    ObjectRef<byte[]> ref = handles().get(0).task(CALL, calls.initialCall(clientId), NO_MODEL)
        .remote();
    try {
      return Optional.of(calls.initialModel(Ray.get(ref, timeout.toMillis())));
    } catch (RayTimeoutException e) {
      replace(0);
      throw new IllegalStateException("client " + clientId + " gave no initial model within "
          + timeout.toSeconds() + "s (spec.roundTimeoutSeconds)");
    } catch (RuntimeException e) {
      throw new IllegalStateException("client " + clientId + " could not give the initial model: "
          + e.getMessage(), e);
    }
  }
}

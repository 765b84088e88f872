package io.flowersim.engine.ray;

import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.api.v1alpha1.handover.WorkerGroupResource;
import io.flowersim.client.Parameters;
import io.flowersim.engine.Batch;
import io.flowersim.engine.Batching;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.EngineBackend;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.InsufficientResourcesException;
import io.flowersim.engine.RayAddress;
import io.flowersim.engine.WorkerLostException;
import io.flowersim.engine.remote.Wire;
import io.flowersim.flowerapp.PythonEnvironment;
import io.flowersim.task.TaskSettings;
import io.ray.api.ActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.Ray;
import io.ray.api.WaitResult;
import io.ray.api.exception.RayActorException;
import io.ray.api.runtimecontext.NodeInfo;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ray transport: the workers are Ray Java actors ({@link ClientActor}). Each actor reserves
 * one client's resources (CPU, fractional GPU, memory) for its lifetime, so the pool size is
 * exactly how many clients the cluster runs at once, and Ray's scheduler spreads the actors over
 * the nodes. What is Ray's own stays here: connecting, sizing the pool from the nodes' resources,
 * the actors' placement and the object refs (the round's model is put in the object store once and
 * passed by reference); batches, sums, timeouts and replacement are the scheduler's.
 */
public final class RayActors extends ActorWorkers<ActorHandle<ClientActor>> {

  private static final Logger LOG = LoggerFactory.getLogger(RayActors.class);

  /** System property / env FLOWERSIM_RAY_CODE_SEARCH_PATH: where workers find our classes. */
  public static final String CODE_SEARCH_PATH_PROPERTY = "flowersim.ray.code-search-path";

  /** Ray Java's FST serializer needs these on JDK 17, in the driver and in every worker JVM. */
  public static final List<String> JDK17_OPENS = List.of(
      "--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.math=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.text=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");

  /** How the engine connects and what each actor reserves. */
  public record Options(String address, String codeSearchPath, List<String> workerJvmOptions,
      String taskName, TaskSettings settings, ClientResources perClient, String initHook,
      int maxActors, String workerGroup, ClientStateStore states) {

    public static Options from(EngineBackend.Request r) {
      return new Options(r.address(), RayActors.codeSearchPath(), JDK17_OPENS, r.taskName(),
          r.settings(), r.perClient(), r.workerInitHook(), r.maxWorkers(), r.workerGroup(),
          r.states());
    }
  }

  /**
   * The job's code search path: our jars for the Java workers ({@value #CODE_SEARCH_PATH_PROPERTY},
   * FLOWERSIM_RAY_CODE_SEARCH_PATH, else this JVM's classpath without Ray's jars) and, where it is
   * found, flowersim's Python worker package (python/, or FLOWERSIM_PYTHON_HOME), which Ray puts
   * on the Python workers' sys.path. It is the job's, fixed when this JVM connects, so it always
   * has both: the first simulation of a JVM may run Java tasks and the next a Flower App.
   */
  static String codeSearchPath() {
    String jars = System.getProperty(CODE_SEARCH_PATH_PROPERTY,
        System.getenv().getOrDefault("FLOWERSIM_RAY_CODE_SEARCH_PATH", defaultCodeSearchPath()));
    try {
      return jars + File.pathSeparator + PythonEnvironment.locateHome();
    } catch (IllegalStateException e) {
      LOG.debug("no Python worker package on the code search path: {}", e.getMessage());
      return jars;
    }
  }

  /**
   * This JVM's classpath without Ray's own jars: the worker JVMs have ray_dist.jar already, and a
   * second copy of Ray (or of its log4j/slf4j 1.7) from our path would only shadow it.
   */
  static String defaultCodeSearchPath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> !p.isBlank())
        .filter(p -> {
          String n = new File(p).getName();
          return !(n.startsWith("ray-api-") || n.startsWith("ray-runtime-")
              || n.startsWith("log4j-") || n.startsWith("slf4j-simple"));
        })
        .collect(Collectors.joining(File.pathSeparator));
  }

  private final Options options;
  private final String clusterSummary;
  private final byte[] settingsBytes;

  /**
   * Batches per actor and round. A Ray task costs tens of milliseconds on a busy 2-core node
   * whatever it carries (bench/RESULTS.md: a round of no-op clients took 64 ms with one batch per
   * actor, 117 ms with two, 200 ms with four), so each actor gets one equal share of the round's
   * clients. The price: an actor that finishes early does not take over a slower one's clients,
   * and a batch that outlives the round timeout fails all its clients.
   */
  static final Batching BATCHING = Batching.sharesPerWorker(1);

  private RayActors(Options options, int poolSize, String clusterSummary) {
    super(BATCHING);
    this.options = options;
    this.clusterSummary = clusterSummary;
    this.settingsBytes = Wire.settings(options.settings());
    startWorkers(poolSize);
  }

  /**
   * Connects to the cluster at {@code options.address} (fails within seconds, naming it, when
   * nothing answers there), sizes the pool from the alive nodes' resources and starts the actors.
   */
  static RayActors connect(Options options) {
    init(options.address(), options.codeSearchPath(), options.workerJvmOptions());
    Sizing sizing = Sizing.of(options.perClient(), options.workerGroup(), options.address(),
        options.maxActors());
    RayActors engine = new RayActors(options, sizing.actors(), sizing.summary());
    if (options.states() != null) {
      engine.keepClientStatesIn(options.states());
    }
    engine.awaitActors(Duration.ofSeconds(120));
    return engine;
  }

  /** How many actors of one client's resources the alive nodes hold (at least 1, at most max). */
  record Sizing(int actors, String summary) {

    static Sizing of(ClientResources perClient, String workerGroup, String address, int max) {
      List<NodeInfo> nodes = nodes(workerGroup);
      int pool = Math.max(1, Math.min(poolSize(nodes, request(perClient, workerGroup), address,
          workerGroup), max));
      return new Sizing(pool, nodes.size() + " node(s)"
          + (workerGroup == null ? "" : " of worker group " + workerGroup) + ", "
          + fmt(total(nodes, "CPU")) + " CPUs, " + fmt(total(nodes, "GPU")) + " GPUs");
    }
  }

  /** The alive nodes, those of {@code workerGroup} only when it is set. */
  static List<NodeInfo> nodes(String workerGroup) {
    return Ray.getRuntimeContext().getAllNodeInfo().stream()
        .filter(n -> n.isAlive)
        .filter(n -> workerGroup == null
            || n.resources.getOrDefault(WorkerGroupResource.of(workerGroup), 0.0) > 0)
        .toList();
  }

  /** What the nodes of {@code workerGroup} (null: all) have in CPUs and GPUs. */
  static EngineResources resources(String address, String workerGroup) {
    init(address, codeSearchPath(), JDK17_OPENS);
    List<NodeInfo> nodes = nodes(workerGroup);
    if (nodes.isEmpty()) {
      throw new InsufficientResourcesException("spec.clients.groups", "the Ray cluster at "
          + address + " has no alive node" + (workerGroup == null ? "" : " of worker group "
          + workerGroup + " (no node has Ray resource " + WorkerGroupResource.of(workerGroup)
          + ")"));
    }
    return new EngineResources(Math.max(total(nodes, "CPU"), ClientResources.MIN_SHARE),
        total(nodes, "GPU"));
  }

  /**
   * Connects this JVM to the cluster at {@code address} as a Ray driver, once: the job's code
   * search path and worker JVM options are fixed then.
   */
  static synchronized void init(String address, String codeSearchPath, List<String> jvm) {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("ray address: none given (--ray-address HOST:PORT)");
    }
    if (!address.equals(RayAddress.AUTO)) {
      probe(address);
    }
    if (Ray.isInitialized()) {
      if (!address.equals(System.getProperty("ray.address"))) {
        throw new IllegalStateException("this JVM is already connected to the Ray cluster at "
            + System.getProperty("ray.address") + ", not " + address);
      }
      return;
    }
    System.setProperty("ray.address", address);
    // The driver must name its node as `ray start` named it: Ray's Python takes the address of
    // the default route, Ray Java the first interface it lists, which is another one on a host
    // with a bridge (a Kubernetes node's, say).
    if (System.getProperty("ray.node-ip") == null) {
      defaultRouteAddress().ifPresent(ip -> System.setProperty("ray.node-ip", ip));
    }
    System.setProperty("ray.job.code-search-path", codeSearchPath);
    // RayConfig reads ray.job.jvm-options as a list; indexed system properties make one.
    for (int i = 0; i < jvm.size(); i++) {
      System.setProperty("ray.job.jvm-options." + i, jvm.get(i));
    }
    System.setProperty("ray.logging.level", System.getProperty("ray.logging.level", "WARN"));
    Ray.init();
  }

  /** This host's address on its default route, as Ray's Python finds it: no packet is sent. */
  static java.util.Optional<String> defaultRouteAddress() {
    try (java.net.DatagramSocket socket = new java.net.DatagramSocket()) {
      socket.connect(InetAddress.getByName("8.8.8.8"), 53);
      InetAddress local = socket.getLocalAddress();
      return local == null || local.isAnyLocalAddress() ? java.util.Optional.empty()
          : java.util.Optional.of(local.getHostAddress());
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  /** A plain TCP connect to the GCS port, so a wrong address fails in seconds, not minutes. */
  static void probe(String address) {
    RayAddress parsed;
    try {
      parsed = RayAddress.parse(address);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ray address: " + e.getMessage(), e);
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(parsed.host(), parsed.port()), 3000);
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the Ray cluster at " + address + " ("
          + e.getMessage() + "); start one with scripts/ray-cluster.sh start, or pass the "
          + "address of the cluster's GCS with --ray-address HOST:PORT");
    }
  }

  /** Per node: how many clients its CPUs, GPUs and memory hold at once; summed over nodes. */
  static int poolSize(List<NodeInfo> nodes, ClientResources perClient, String address) {
    return poolSize(nodes, request(perClient, null), address, null);
  }

  private static int poolSize(List<NodeInfo> nodes, Map<String, Double> need, String address,
      String workerGroup) {
    int total = 0;
    for (NodeInfo n : nodes) {
      total += fits(n.resources, need);
    }
    if (total == 0) {
      String each = need.entrySet().stream()
          .filter(e -> List.of("CPU", "GPU", "memory").contains(e.getKey()))
          .map(e -> fmt(e.getKey().equals("memory") ? e.getValue() / (1 << 30) : e.getValue())
              + (e.getKey().equals("memory") ? " GiB memory" : " " + e.getKey() + "s"))
          .collect(Collectors.joining(", "));
      String have = nodes.stream()
          .map(n -> "node " + n.nodeId.toString().substring(0, 8) + ": "
              + fmt(n.resources.getOrDefault("CPU", 0.0)) + " CPUs, "
              + fmt(n.resources.getOrDefault("GPU", 0.0)) + " GPUs, "
              + fmt(n.resources.getOrDefault("memory", 0.0) / (1 << 30)) + " GiB memory")
          .collect(Collectors.joining("; "));
      throw new InsufficientResourcesException("spec.clients.resources", "each client needs "
          + each + " but no node " + (workerGroup == null ? "" : "of worker group " + workerGroup
          + " ") + "of the Ray cluster at " + address + " has that ("
          + (nodes.isEmpty() ? "no alive node" : have) + ")");
    }
    return total;
  }

  /** What each actor reserves: a client's resources, and one unit of its worker group's. */
  static Map<String, Double> request(ClientResources perClient, String workerGroup) {
    Map<String, Double> need = request(perClient);
    if (workerGroup != null) {
      need.put(WorkerGroupResource.of(workerGroup), 1.0);
    }
    return need;
  }

  static Map<String, Double> request(ClientResources perClient) {
    Map<String, Double> need = new LinkedHashMap<>();
    need.put("CPU", perClient.cpusOrDefault());
    if (perClient.gpusOrDefault() > 0) {
      need.put("GPU", perClient.gpusOrDefault());
    }
    if (perClient.memory != null) {
      need.put("memory", perClient.memory.getNumericalAmount().doubleValue());
    }
    return need;
  }

  static int fits(Map<String, Double> have, Map<String, Double> need) {
    long n = Long.MAX_VALUE;
    for (Map.Entry<String, Double> e : need.entrySet()) {
      if (e.getValue() <= 0) {
        continue;
      }
      n = Math.min(n, (long) Math.floor(have.getOrDefault(e.getKey(), 0.0) / e.getValue() + 1e-6));
    }
    return (int) Math.min(n, Integer.MAX_VALUE);
  }

  private static double total(List<NodeInfo> nodes, String resource) {
    return nodes.stream().mapToDouble(n -> n.resources.getOrDefault(resource, 0.0)).sum();
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
  }

  @Override
  protected ActorHandle<ClientActor> start() {
    var creator = Ray.actor(ClientActor::new, options.taskName(), settingsBytes,
        options.initHook());
    request(options.perClient(), options.workerGroup()).forEach(creator::setResource);
    creator.setMaxRestarts(0);
    creator.setJvmOptions(options.workerJvmOptions());
    return creator.remote();
  }

  /** Waits until every actor has started (JVM up, task set up), so round 1 is not the warm-up. */
  private void awaitActors(Duration timeout) {
    List<ObjectRef<String>> refs = new ArrayList<>();
    for (ActorHandle<ClientActor> actor : handles()) {
      refs.add(actor.task(ClientActor::where).remote());
    }
    WaitResult<String> w = Ray.wait(refs, refs.size(), (int) timeout.toMillis());
    if (!w.getUnready().isEmpty()) {
      LOG.warn("{} of {} Ray actors not up after {}s; continuing", w.getUnready().size(),
          refs.size(), timeout.toSeconds());
      return;
    }
    try {
      LOG.info("Ray actors at {}", Ray.get(refs));
    } catch (RuntimeException e) {
      throw new IllegalStateException("the Ray client actors failed to start: " + e.getMessage()
          + " (worker logs: <ray temp dir>/session_latest/logs/java-worker-*.log)", e);
    }
  }

  @Override
  public String description() {
    Map<String, Double> need = request(options.perClient());
    return "ray backend at " + options.address() + ": " + clusterSummary + ", " + size()
        + " actor(s) of " + need.entrySet().stream().map(e -> e.getKey() + " "
        + fmt(e.getValue())).collect(Collectors.joining(", ")) + ", " + size()
        + " client(s) at once";
  }

  @Override
  public ObjectRef<byte[]> ship(Parameters model) {
    return Ray.put(Wire.model(model));
  }

  /** One actor task per batch; this thread waits for it alone, as Flower's backends do. */
  @Override
  protected Wire.BatchReply call(ActorHandle<ClientActor> actor, Wire.Batch request,
      ObjectRef<byte[]> model, Batch<?> batch) throws WorkerLostException {
    try {
      return Wire.batchReply(Ray.get(
          actor.task(ClientActor::callBatch, Wire.write(request), model).remote()));
    } catch (RayActorException e) {
      LOG.warn("round {}: the Ray actor running clients {} died; replacing it", batch.round(),
          batch.clients().stream().map(i -> i.clientId()).toList());
      throw new WorkerLostException("the Ray actor (worker process) running this client died: "
          + e.getMessage(), e);
    }
  }
}

package io.flowersim.engine.ray;

import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.client.UpdateSum;
import io.flowersim.engine.ClientEngine;
import io.flowersim.engine.ClientListener;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.EngineBackend;
import io.flowersim.engine.InsufficientResourcesException;
import io.flowersim.engine.RayAddress;
import io.flowersim.engine.worker.Placement;
import io.flowersim.engine.worker.PlacementLog;
import io.flowersim.engine.worker.RoundCollector;
import io.flowersim.engine.worker.Wire;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ray backend: virtual clients run in a pool of Ray Java actors ({@link ClientActor}). Each
 * actor reserves one client's resources (CPU, fractional GPU, memory) for its lifetime, so the pool
 * size is exactly how many clients the cluster runs at once, and Ray's scheduler spreads the actors
 * over the nodes. The round's parameters are put in the object store once and passed by reference;
 * the clients go to the actors in batches, whose answers are taken as they complete ({@code
 * Ray.wait}); for strategies that need only the mean of the updates each batch sends back one
 * model, summed where its clients ran. An actor that dies is replaced and its
 * client counts as a failure of the round.
 */
public final class RayEngine implements ClientEngine {

  private static final Logger LOG = LoggerFactory.getLogger(RayEngine.class);

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
      int maxActors) {

    public static Options from(EngineBackend.Request r) {
      String csp = System.getProperty(CODE_SEARCH_PATH_PROPERTY,
          System.getenv().getOrDefault("FLOWERSIM_RAY_CODE_SEARCH_PATH", defaultCodeSearchPath()));
      return new Options(r.address(), csp, JDK17_OPENS, r.taskName(), r.settings(),
          r.perClient(), r.workerInitHook(), r.settings().numClients());
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
  private final ClientStateStore states = new ClientStateStore();
  private final List<Slot> slots = new ArrayList<>();
  private final PlacementLog placements = new PlacementLog();
  private final String clusterSummary;
  private final byte[] settingsBytes;

  private static final class Slot {
    ActorHandle<ClientActor> actor;
    int generation;
  }

  private record InFlight(Slot slot, int batch) {}

  /**
   * Batches per actor and round. A Ray task costs tens of milliseconds on a busy 2-core node
   * whatever it carries (bench/RESULTS.md: a round of no-op clients took 64 ms with one batch per
   * actor, 117 ms with two, 200 ms with four), so each actor gets one equal share of the round's
   * clients. The price: an actor that finishes early does not take over a slower one's clients,
   * and a batch that outlives the round timeout fails all its clients.
   */
  static final int BATCHES_PER_ACTOR = 1;

  private RayEngine(Options options, int poolSize, String clusterSummary) {
    this.options = options;
    this.clusterSummary = clusterSummary;
    this.settingsBytes = Wire.settings(options.settings());
    for (int i = 0; i < poolSize; i++) {
      Slot s = new Slot();
      s.actor = newActor();
      slots.add(s);
    }
  }

  /**
   * Connects to the cluster at {@code options.address} (fails within seconds, naming it, when
   * nothing answers there), sizes the pool from the alive nodes' resources and starts the actors.
   */
  public static RayEngine connect(Options options) {
    init(options);
    List<NodeInfo> nodes = Ray.getRuntimeContext().getAllNodeInfo().stream()
        .filter(n -> n.isAlive).toList();
    int pool = poolSize(nodes, options.perClient(), options.address());
    pool = Math.max(1, Math.min(pool, options.maxActors()));
    String summary = nodes.size() + " node(s), " + total(nodes, "CPU") + " CPUs, "
        + total(nodes, "GPU") + " GPUs";
    RayEngine engine = new RayEngine(options, pool, summary);
    engine.awaitActors(Duration.ofSeconds(120));
    return engine;
  }

  private static synchronized void init(Options options) {
    String address = options.address();
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
    System.setProperty("ray.job.code-search-path", options.codeSearchPath());
    // RayConfig reads ray.job.jvm-options as a list; indexed system properties make one.
    List<String> jvm = options.workerJvmOptions();
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
    Map<String, Double> need = request(perClient);
    int total = 0;
    for (NodeInfo n : nodes) {
      total += fits(n.resources, need);
    }
    if (total == 0) {
      String each = need.entrySet().stream()
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
          + each + " but no node of the Ray cluster at " + address + " has that ("
          + (nodes.isEmpty() ? "no alive node" : have) + ")");
    }
    return total;
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

  private ActorHandle<ClientActor> newActor() {
    var creator = Ray.actor(ClientActor::new, options.taskName(), settingsBytes,
        options.initHook());
    request(options.perClient()).forEach(creator::setResource);
    creator.setMaxRestarts(0);
    creator.setJvmOptions(options.workerJvmOptions());
    return creator.remote();
  }

  /** Waits until every actor has started (JVM up, task set up), so round 1 is not the warm-up. */
  private void awaitActors(Duration timeout) {
    List<ObjectRef<String>> refs = new ArrayList<>();
    for (Slot s : slots) {
      refs.add(s.actor.task(ClientActor::where).remote());
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
    return "ray backend at " + options.address() + ": " + clusterSummary + ", " + slots.size()
        + " actor(s) of " + need.entrySet().stream().map(e -> e.getKey() + " "
        + fmt(e.getValue())).collect(Collectors.joining(", ")) + ", " + slots.size()
        + " client(s) at once";
  }

  @Override
  public int maxConcurrentClients() {
    return slots.size();
  }

  /** The newest client calls (at most 10,000), with node and process: for tests and diagnostics. */
  public List<Placement> placements() {
    return placements.snapshot();
  }

  @Override
  public RoundResults<FitResult> fit(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener) {
    return fit(round, parameters, instructions, timeout, listener, false);
  }

  /**
   * With {@code sumSuffices}, each actor sums its clients' updates and sends one model back per
   * batch, not one per client; the driver adds those up in batch order, so a seeded run sums in
   * the same order whichever actor ran which batch.
   */
  @Override
  public RoundResults<FitResult> fit(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener,
      boolean sumSuffices) {
    UpdateSum sum = sumSuffices ? new UpdateSum(parameters) : null;
    RoundResults<FitResult> results = run(round, true, parameters, instructions, timeout,
        listener, sum, r -> new FitResult(
            sum != null ? null : Parameters.withLayoutOf(parameters, r.values()),
            r.numExamples(), r.metrics()));
    return new RoundResults<>(results.results(), results.failures(), Optional.ofNullable(sum));
  }

  @Override
  public RoundResults<EvaluateResult> evaluate(int round, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener) {
    return run(round, false, parameters, instructions, timeout, listener, null,
        r -> new EvaluateResult(r.loss(), r.numExamples(), r.metrics()));
  }

  /**
   * The round's clients in {@code batchesPerActor} batches per actor at most: consecutive runs of
   * the instruction list, sizes differing by at most one.
   */
  static List<List<ClientInstruction>> batches(List<ClientInstruction> instructions, int actors,
      int batchesPerActor) {
    int n = instructions.size();
    int count = Math.min(n, Math.max(1, actors * batchesPerActor));
    List<List<ClientInstruction>> batches = new ArrayList<>(count);
    int from = 0;
    for (int b = 0; b < count; b++) {
      int size = n / count + (b < n % count ? 1 : 0);
      batches.add(instructions.subList(from, from + size));
      from += size;
    }
    return batches;
  }

  private synchronized <R> RoundResults<R> run(int round, boolean fit, Parameters parameters,
      List<ClientInstruction> instructions, Duration timeout, ClientListener listener,
      UpdateSum sum, Function<Wire.Reply, R> decode) {
    ClientOperation op = fit ? ClientOperation.FIT : ClientOperation.EVALUATE;
    ObjectRef<byte[]> model = Ray.put(Wire.model(parameters));
    List<List<ClientInstruction>> batches = batches(instructions, slots.size(), BATCHES_PER_ACTOR);
    Deque<Integer> queue = new ArrayDeque<>();
    for (int b = 0; b < batches.size(); b++) {
      queue.add(b);
    }
    Deque<Slot> idle = new ArrayDeque<>(slots);
    Map<ObjectRef<byte[]>, InFlight> inFlight = new LinkedHashMap<>();
    float[][] means = new float[batches.size()][];
    long[] meanExamples = new long[batches.size()];
    RoundCollector<R> collector =
        new RoundCollector<>(round, op, states, placements, listener, decode);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!queue.isEmpty() || !inFlight.isEmpty()) {
      while (!queue.isEmpty() && !idle.isEmpty()) {
        int b = queue.poll();
        Slot slot = idle.poll();
        ArrayList<Wire.Call> calls = new ArrayList<>(batches.get(b).size());
        for (ClientInstruction i : batches.get(b)) {
          calls.add(new Wire.Call(round, fit, i.clientId(), i.config().asMap(),
              states.checkout(i.clientId()).asMap()));
        }
        byte[] batch = Wire.write(new Wire.Batch(calls, sum != null));
        inFlight.put(slot.actor.task(ClientActor::callBatch, batch, model).remote(),
            new InFlight(slot, b));
      }
      long leftMs = (deadline - System.nanoTime()) / 1_000_000;
      if (leftMs <= 0) {
        break;
      }
      WaitResult<byte[]> w = Ray.wait(new ArrayList<>(inFlight.keySet()), 1,
          (int) Math.min(leftMs, Integer.MAX_VALUE), false);
      for (ObjectRef<byte[]> ref : w.getReady()) {
        InFlight f = inFlight.remove(ref);
        List<ClientInstruction> batch = batches.get(f.batch());
        try {
          Wire.BatchReply reply = Wire.batchReply(Ray.get(ref));
          for (int k = 0; k < batch.size(); k++) {
            Wire.Reply r = reply.replies().get(k);
            collector.reply(batch.get(k).clientId(), r, r.nodeId());
          }
          means[f.batch()] = reply.meanValues();
          meanExamples[f.batch()] = reply.meanExamples();
          idle.add(f.slot());
        } catch (RayActorException e) {
          LOG.warn("round {}: the Ray actor running clients {} died; replacing it", round,
              ids(batch));
          for (ClientInstruction i : batch) {
            collector.fail(i.clientId(), new IllegalStateException(
                "the Ray actor (worker process) running this client died: " + e.getMessage(), e));
          }
          replace(f.slot());
          idle.add(f.slot());
        } catch (RuntimeException e) {
          batch.forEach(i -> collector.fail(i.clientId(), e));
          idle.add(f.slot());
        }
      }
    }
    for (InFlight f : inFlight.values()) {
      // A batch is answered whole: clients of it that had finished are lost with it.
      batches.get(f.batch()).forEach(i -> collector.timedOut(i.clientId(), timeout));
      // Its actor is still busy with the late call: kill it so the next round gets a fresh one.
      f.slot().actor.kill(true);
      replace(f.slot());
    }
    for (int b : queue) {
      batches.get(b).forEach(i -> collector.notStarted(i.clientId(), timeout));
    }
    if (sum != null) {
      for (int b = 0; b < batches.size(); b++) {
        if (means[b] != null) {
          sum.add(means[b], meanExamples[b]);
        }
      }
    }
    return collector.results();
  }

  private static List<Integer> ids(List<ClientInstruction> batch) {
    return batch.stream().map(ClientInstruction::clientId).toList();
  }

  private void replace(Slot slot) {
    slot.actor = newActor();
    slot.generation++;
  }

  /** Actors replaced so far (crashed or timed out). */
  public synchronized int replacedActors() {
    return slots.stream().mapToInt(s -> s.generation).sum();
  }

  /** For tests: the pid and node of every live actor of the pool. */
  public synchronized List<String> actorLocations() {
    List<ObjectRef<String>> refs = new ArrayList<>();
    for (Slot s : slots) {
      refs.add(s.actor.task(ClientActor::where).remote());
    }
    return Ray.get(refs);
  }

  @Override
  public synchronized void close() {
    for (Slot s : slots) {
      try {
        s.actor.kill(true);
      } catch (RuntimeException e) {
        LOG.debug("killing actor: {}", e.toString());
      }
    }
    slots.clear();
  }
}

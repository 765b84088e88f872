package io.flowersim.simulation;

import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.checkpoint.Checkpoint;
import io.flowersim.checkpoint.CheckpointStore;
import io.flowersim.checkpoint.Checkpointer;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.Parameters;
import io.flowersim.engine.ClientConcurrency;
import io.flowersim.engine.ClientEngine;
import io.flowersim.engine.ClientGroups;
import io.flowersim.engine.ClientProcesses;
import io.flowersim.engine.ClientRunner;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.EngineBackend;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.GroupedEngine;
import io.flowersim.engine.IntraOpThreads;
import io.flowersim.engine.LocalThreads;
import io.flowersim.engine.WorkerInitHook;
import io.flowersim.engine.pool.PythonWorkerPool;
import io.flowersim.engine.pool.WorkerLauncher;
import io.flowersim.engine.pool.WorkerPool;
import io.flowersim.flowerapp.CentralEvaluator;
import io.flowersim.flowerapp.FlowerApp;
import io.flowersim.flowerapp.FlowerAppCheck;
import io.flowersim.flowerapp.PythonEnvironment;
import io.flowersim.server.ClientDropout;
import io.flowersim.server.History;
import io.flowersim.server.Server;
import io.flowersim.server.ServerListener;
import io.flowersim.strategy.ClientManager;
import io.flowersim.strategy.Strategy;
import io.flowersim.strategy.StrategyFactory;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskConfigException;
import io.flowersim.task.TaskRegistry;
import io.flowersim.task.TaskSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * One simulation assembled from a FlowerSimulation: task, strategy, engine and server. The CLI and
 * the in-cluster entry point both run simulations through this class.
 */
public final class Simulation implements AutoCloseable {

  /** How long the local pool's workers may take to set the task up (load data, start DJL). */
  private static final Duration WORKER_SETUP_TIMEOUT = Duration.ofMinutes(10);

  private final FlowerSimulation resource;
  private final Supplier<Parameters> initialParameters;
  private final Strategy strategy;
  private final ClientEngine engine;
  /** spec.flowerApp.evaluateFn's process; null without one. */
  private final CentralEvaluator central;

  private Simulation(FlowerSimulation resource, Supplier<Parameters> initialParameters,
      Strategy strategy, ClientEngine engine) {
    this(resource, initialParameters, strategy, engine, null);
  }

  private Simulation(FlowerSimulation resource, Supplier<Parameters> initialParameters,
      Strategy strategy, ClientEngine engine, CentralEvaluator central) {
    this.resource = resource;
    this.initialParameters = initialParameters;
    this.strategy = strategy;
    this.engine = engine;
    this.central = central;
  }

  /**
   * Prepares a simulation on the local backend, with the default {@link ClientProcesses} and the
   * init hook of the system property {@value WorkerInitHook#PROPERTY}, if set.
   */
  public static Simulation local(FlowerSimulation resource, TaskRegistry tasks,
      EngineResources resources) throws Exception {
    return create(EngineBackend.LOCAL, null, resource, tasks, resources);
  }

  /**
   * Prepares a simulation on the named backend with the default {@link ClientProcesses} and the
   * init hook of the system property {@value WorkerInitHook#PROPERTY}, if set.
   */
  public static Simulation create(String backend, String address, FlowerSimulation resource,
      TaskRegistry tasks, EngineResources resources) throws Exception {
    return create(backend, address, resource, tasks, resources, ClientProcesses.DEFAULT,
        WorkerInitHook.configured(null));
  }

  /**
   * Prepares a simulation, the same way on every backend: what can be refused without loading
   * anything (unknown task, client resources the engine lacks, an unreachable cluster) is refused
   * before the task loads any data here; then the task is set up while the engine's workers start,
   * and the strategy is built from spec.strategy, spec.clients.count and spec.seed.
   *
   * <p>Backends: {@value EngineBackend#LOCAL} runs clients on threads of this JVM, or, for a task
   * that cannot train them on parallel threads, in a pool of worker JVMs ({@link
   * ClientProcesses#POOL}) or one at a time here ({@link ClientProcesses#SINGLE}); any other name is an {@link EngineBackend}
   * found through ServiceLoader (e.g. "ray" from simulation-runtime-ray), connected to {@code
   * address}.
   *
   * @param workerInitHook run once in every worker (a pool's JVM, a Ray actor, else this JVM;
   *     "" for none)
   */
  public static Simulation create(String backend, String address, FlowerSimulation resource,
      TaskRegistry tasks, EngineResources resources, ClientProcesses processes,
      String workerInitHook) throws Exception {
    String name = backend == null ? EngineBackend.LOCAL : backend;
    if (resource.getSpec().flowerApp != null) {
      return flowerApp(name, address, resource, resources, workerInitHook);
    }
    if (!name.equals(EngineBackend.LOCAL)) {
      return create(EngineBackend.find(name, Simulation.class.getClassLoader()), address,
          resource, tasks, workerInitHook);
    }
    TaskSettings settings = settings(resource.getSpec());
    return assemble(resource, tasks, settings,
        local(resource, tasks, resources, processes, workerInitHook, settings));
  }

  /**
   * As {@link #create(String, String, FlowerSimulation, TaskRegistry, EngineResources,
   * ClientProcesses, String)} on a backend of its own module, connected to {@code address}.
   */
  public static Simulation create(EngineBackend backend, String address,
      FlowerSimulation resource, TaskRegistry tasks, String workerInitHook) throws Exception {
    FlowerSimulationSpec spec = resource.getSpec();
    TaskSettings settings = settings(spec);
    checkTask(resource, tasks);
    ClientEngine remote = remote(backend, spec, new EngineBackend.Request(spec.task, settings,
        spec.clients.resourcesOrDefault(), address, workerInitHook, null));
    return assemble(resource, tasks, settings, started(remote));
  }

  private static Simulation assemble(FlowerSimulation resource, TaskRegistry tasks,
      TaskSettings settings, EngineStart start) throws Exception {
    FlowerSimulationSpec spec = resource.getSpec();
    ClientEngine engine = null;
    try {
      FederatedTask task = tasks.create(spec.task);
      task.setup(settings);
      engine = start.ready(task);
      Strategy strategy = StrategyFactory.create(spec.strategyOrDefault(), task,
          spec.clients.count, spec.seedOrDefault());
      return new Simulation(resource, task::initialParameters, strategy, engine);
    } catch (Exception | Error e) {
      if (engine != null) {
        engine.close();
      } else {
        start.abandon();
      }
      throw e;
    }
  }

  /**
   * A Flower App's clients in Python workers: a local pool, or another backend's (Ray's Python
   * actors). There is no task here: the centralized evaluation is spec.flowerApp.evaluateFn's, in
   * a Python process of this driver on every backend (none without it), and the initial model
   * comes from one client picked by spec.seed (Flower's rule) unless the strategy brings one.
   */
  private static Simulation flowerApp(String backend, String address, FlowerSimulation resource,
      EngineResources resources, String workerInitHook) throws Exception {
    FlowerSimulationSpec spec = resource.getSpec();
    if (workerInitHook != null && !workerInitHook.isEmpty()) {
      throw new IllegalArgumentException("--worker-init: a Java WorkerInitHook cannot run in the "
          + "Python workers of spec.flowerApp");
    }
    FlowerApp app = FlowerApp.of(spec.flowerApp);
    // Started first: it imports the app while the clients' workers do.
    Duration timeout = Duration.ofSeconds(spec.roundTimeoutSecondsOrDefault());
    CentralEvaluator central = app.evaluateFn() == null ? null
        : CentralEvaluator.start(PythonEnvironment.find(), app, timeout);
    try {
      ClientEngine engine = flowerAppEngine(backend, address, spec, app, resources);
      try {
        BiFunction<Integer, Parameters, Optional<EvaluateResult>> evaluate =
            (round, parameters) -> Optional.empty();
        if (central != null) {
          central.awaitReady(WORKER_SETUP_TIMEOUT);
          evaluate = central;
        }
        Strategy strategy = StrategyFactory.create(spec.strategyOrDefault(), evaluate,
            spec.clients.count, spec.seedOrDefault());
        int asked = new SplittableRandom(spec.seedOrDefault()).nextInt(spec.clients.count);
        return new Simulation(resource, () -> engine.initialParameters(asked, timeout)
            .orElseThrow(() -> new IllegalStateException(engine.description()
                + " cannot ask a client for the initial model")), strategy, engine, central);
      } catch (RuntimeException | Error e) {
        engine.close();
        throw e;
      }
    } catch (Exception | Error e) {
      if (central != null) {
        central.close();
      }
      throw e;
    }
  }

  /** The engine of a Flower App's clients: a local pool (one per client group), or the backend's. */
  private static ClientEngine flowerAppEngine(String backend, String address,
      FlowerSimulationSpec spec, FlowerApp app, EngineResources resources) throws Exception {
    ClientResources perClient = spec.clients.resourcesOrDefault();
    if (!backend.equals(EngineBackend.LOCAL)) {
      return remote(EngineBackend.find(backend, Simulation.class.getClassLoader()), spec,
          new EngineBackend.Request(null, settings(spec), perClient, address, "", app));
    }
    ClientGroups groups = ClientGroups.of(spec.clients);
    PythonEnvironment python = PythonEnvironment.find();
    if (!groups.declared()) {
      PythonWorkerPool pool = PythonWorkerPool.launch(python, app, spec.clients.count,
          resources, ClientConcurrency.slots(resources, perClient), perClient);
      pool.awaitReady(WORKER_SETUP_TIMEOUT);
      return new ClientScheduler(pool);
    }
    int[] slots = ClientConcurrency.slots(resources, groups.groups());
    ClientStateStore states = new ClientStateStore();
    List<PythonWorkerPool> pools = new ArrayList<>();
    try {
      for (ClientGroups.Group group : groups.groups()) {
        PythonWorkerPool pool = PythonWorkerPool.launch(python, app, spec.clients.count,
            resources, slots[group.index()], group.resources());
        pool.keepClientStatesIn(states);
        pools.add(pool);
      }
      List<ClientEngine> engines = new ArrayList<>();
      for (PythonWorkerPool pool : pools) {
        pool.awaitReady(WORKER_SETUP_TIMEOUT);
        engines.add(new ClientScheduler(pool));
      }
      return new GroupedEngine(groups, engines, states, true);
    } catch (RuntimeException | Error e) {
      pools.forEach(PythonWorkerPool::close);
      throw e;
    }
  }

  /** An engine on its way: its workers start while this JVM sets the task up. */
  private interface EngineStart {
    ClientEngine ready(FederatedTask task) throws Exception;

    void abandon();
  }

  /** The one place that picks the local engine's transport: threads or worker JVMs. */
  private static EngineStart local(FlowerSimulation resource, TaskRegistry tasks,
      EngineResources resources, ClientProcesses processes, String workerInitHook,
      TaskSettings settings) throws Exception {
    FlowerSimulationSpec spec = resource.getSpec();
    int slots = check(resource, tasks, resources);
    ClientGroups groups = ClientGroups.of(spec.clients);
    if (groups.declared()) {
      return localGroups(resource, tasks, resources, processes, workerInitHook, settings, groups);
    }
    boolean threadSafe = tasks.create(spec.task).clientsRunConcurrentlyInOneProcess();
    double cpus = spec.clients.resourcesOrDefault().cpusOrDefault();
    if (!threadSafe && slots > 1 && processes == ClientProcesses.POOL) {
      WorkerPool pool = WorkerPool.launch(
          new WorkerLauncher(spec.task, settings, workerInitHook, cpus), resources, slots);
      return new EngineStart() {
        @Override
        public ClientEngine ready(FederatedTask task) {
          pool.awaitReady(WORKER_SETUP_TIMEOUT);
          return new ClientScheduler(pool);
        }

        @Override
        public void abandon() {
          pool.close();
        }
      };
    }
    // Clients run in this JVM: the hook and the thread settings come before the task's setup.
    WorkerInitHook.run(workerInitHook, Simulation.class.getClassLoader());
    if (!threadSafe) {
      IntraOpThreads.applyInThisProcess(IntraOpThreads.forCpus(cpus));
    }
    return new EngineStart() {
      @Override
      public ClientEngine ready(FederatedTask task) {
        return LocalThreads.engine(new ClientRunner(task, settings, new ClientStateStore()),
            resources, slots);
      }

      @Override
      public void abandon() {}
    };
  }

  /**
   * The local engine of client groups: per group threads (or worker JVMs) of its resources, the
   * machine's resources split among the groups ({@link ClientConcurrency#slots(EngineResources,
   * List)}). Clients that cannot train on parallel threads of one JVM and run in it take turns,
   * group after group.
   */
  private static EngineStart localGroups(FlowerSimulation resource, TaskRegistry tasks,
      EngineResources resources, ClientProcesses processes, String workerInitHook,
      TaskSettings settings, ClientGroups groups) throws Exception {
    FlowerSimulationSpec spec = resource.getSpec();
    int[] slots = ClientConcurrency.slots(resources, groups.groups());
    boolean threadSafe = tasks.create(spec.task).clientsRunConcurrentlyInOneProcess();
    ClientStateStore states = new ClientStateStore();
    if (!threadSafe && processes == ClientProcesses.POOL) {
      List<WorkerPool> pools = new ArrayList<>();
      try {
        for (ClientGroups.Group group : groups.groups()) {
          WorkerPool pool = WorkerPool.launch(new WorkerLauncher(spec.task, settings,
              workerInitHook, group.resources().cpusOrDefault()), resources, slots[group.index()]);
          pool.keepClientStatesIn(states);
          pools.add(pool);
        }
      } catch (RuntimeException | Error e) {
        pools.forEach(WorkerPool::close);
        throw e;
      }
      return new EngineStart() {
        @Override
        public ClientEngine ready(FederatedTask task) {
          List<ClientEngine> engines = new ArrayList<>();
          for (WorkerPool pool : pools) {
            pool.awaitReady(WORKER_SETUP_TIMEOUT);
            engines.add(new ClientScheduler(pool));
          }
          return new GroupedEngine(groups, engines, states, true);
        }

        @Override
        public void abandon() {
          pools.forEach(WorkerPool::close);
        }
      };
    }
    WorkerInitHook.run(workerInitHook, Simulation.class.getClassLoader());
    if (!threadSafe) {
      // Intra-op threads are the process's: the groups take turns, each at most this many.
      IntraOpThreads.applyInThisProcess(IntraOpThreads.forCpus(groups.groups().stream()
          .mapToDouble(g -> g.resources().cpusOrDefault()).max().orElse(1)));
    }
    return new EngineStart() {
      @Override
      public ClientEngine ready(FederatedTask task) {
        ClientRunner runner = new ClientRunner(task, settings, states);
        List<ClientEngine> engines = new ArrayList<>();
        for (ClientGroups.Group group : groups.groups()) {
          engines.add(LocalThreads.engine(runner, resources, slots[group.index()]));
        }
        return new GroupedEngine(groups, engines, states, threadSafe);
      }

      @Override
      public void abandon() {}
    };
  }

  /**
   * A backend of its own module's engine: one for every client, or, with client groups, one per
   * group, each on its worker group's nodes (or all nodes), groups that share nodes splitting them
   * as the local engine's groups split this machine.
   */
  private static ClientEngine remote(EngineBackend backend, FlowerSimulationSpec spec,
      EngineBackend.Request request) throws Exception {
    ClientGroups groups = ClientGroups.of(spec.clients);
    if (!groups.declared()) {
      return backend.create(request);
    }
    Map<String, List<ClientGroups.Group>> byNodes = new LinkedHashMap<>();
    for (ClientGroups.Group group : groups.groups()) {
      byNodes.computeIfAbsent(Objects.toString(group.workerGroup(), ""), k -> new ArrayList<>())
          .add(group);
    }
    int[] slots = new int[groups.size()];
    for (Map.Entry<String, List<ClientGroups.Group>> nodes : byNodes.entrySet()) {
      String workerGroup = nodes.getKey().isEmpty() ? null : nodes.getKey();
      int[] share = ClientConcurrency.slots(backend.resources(request.address(), workerGroup),
          nodes.getValue());
      for (int i = 0; i < share.length; i++) {
        slots[nodes.getValue().get(i).index()] = share[i];
      }
    }
    ClientStateStore states = new ClientStateStore();
    ClientEngine[] engines = new ClientEngine[groups.size()];
    // The largest clients' workers first: started after smaller ones, they could find each node
    // with a little left but none with room for one of them.
    List<ClientGroups.Group> largestFirst = groups.groups().stream()
        .sorted(Comparator.comparingDouble((ClientGroups.Group g) -> g.resources().gpusOrDefault())
            .thenComparingDouble(g -> g.resources().cpusOrDefault()).reversed())
        .toList();
    try {
      for (ClientGroups.Group group : largestFirst) {
        engines[group.index()] = backend.create(request.forGroup(group.resources(),
            group.workerGroup(), slots[group.index()], states));
      }
    } catch (Exception | Error e) {
      java.util.Arrays.stream(engines).filter(Objects::nonNull).forEach(ClientEngine::close);
      throw e;
    }
    return new GroupedEngine(groups, List.of(engines), states, true);
  }

  private static EngineStart started(ClientEngine engine) {
    return new EngineStart() {
      @Override
      public ClientEngine ready(FederatedTask task) {
        return engine;
      }

      @Override
      public void abandon() {
        engine.close();
      }
    };
  }

  /**
   * What can be refused without loading anything: the task must exist, accept its settings, and
   * one client must fit the engine's resources.
   *
   * @return how many clients the resources allow at once
   * @throws io.flowersim.task.UnknownTaskException naming spec.task and the available tasks
   * @throws TaskConfigException naming each taskConfig (or partitioning) field the task refuses
   * @throws io.flowersim.engine.InsufficientResourcesException naming the resource field
   */
  public static int check(FlowerSimulation resource, TaskRegistry tasks,
      EngineResources resources) {
    return check(resource, tasks, resources, true);
  }

  /**
   * As {@link #check(FlowerSimulation, TaskRegistry, EngineResources)}; with {@code importApp}
   * false a Flower App is not imported here (a local run's workers import it first thing and
   * refuse it with the same lines: the app's imports, torch's above all, are not paid twice).
   */
  public static int check(FlowerSimulation resource, TaskRegistry tasks,
      EngineResources resources, boolean importApp) {
    checkTask(resource, tasks, importApp);
    ClientGroups groups = ClientGroups.of(resource.getSpec().clients);
    if (groups.declared()) {
      return java.util.Arrays.stream(ClientConcurrency.slots(resources, groups.groups())).sum();
    }
    return ClientConcurrency.slots(resources, resource.getSpec().clients.resourcesOrDefault());
  }

  /**
   * The task exists and accepts its settings, checked as its setup would, without loading data:
   * `validate` refuses what `run` would.
   */
  public static void checkTask(FlowerSimulation resource, TaskRegistry tasks) {
    checkTask(resource, tasks, true);
  }

  private static void checkTask(FlowerSimulation resource, TaskRegistry tasks,
      boolean importApp) {
    FlowerSimulationSpec spec = resource.getSpec();
    if (spec.flowerApp != null) {
      // The app imports in the Python environment as the workers would import it.
      FlowerApp app = FlowerApp.of(spec.flowerApp);
      TaskConfigException.refuseAny(importApp ? FlowerAppCheck.problems(app)
          : FlowerAppCheck.withoutImport(app));
      return;
    }
    FederatedTask task = tasks.create(spec.task);
    List<String> problems = new java.util.ArrayList<>(task.check(settings(spec)));
    if (spec.strategyOrDefault().nameOrDefault() == StrategyName.SCAFFOLD
        && !task.trainsWithControlVariates()) {
      problems.add("spec.strategy.name: Scaffold needs a task whose clients train with control "
          + "variates (ControlVariateClient, e.g. synthetic); task " + spec.task + " does not");
    }
    if (!problems.isEmpty()) {
      throw new TaskConfigException(problems);
    }
  }

  /** What a task's setup gets from {@code spec}; public for tools that set a task up alone. */
  public static TaskSettings settings(FlowerSimulationSpec spec) {
    return new TaskSettings(Config.of(spec.taskConfig), spec.clients.count,
        spec.clients.partitioningOrDefault());
  }

  public String engineDescription() {
    return engine.description();
  }

  public Strategy strategy() {
    return strategy;
  }

  /** Runs all rounds, appending to {@code history} as they complete. */
  public void run(History history, ServerListener listener) {
    run(history, listener, null, null);
  }

  /**
   * Runs the rounds, appending to {@code history} as they complete, and writing a checkpoint to
   * {@code checkpoints} (null: none) after every spec.checkpoint.everyRounds-th round and the
   * last. With {@code resumeFrom} (a checkpoint of this spec: {@link
   * CheckpointStore#resumable}) the run continues after that checkpoint's round: {@code history}
   * gets its rounds, the strategy its state, the sampling its position, the clients their state,
   * and the following rounds run as they would have in a run that never stopped.
   */
  public void run(History history, ServerListener listener, CheckpointStore checkpoints,
      Checkpoint resumeFrom) {
    FlowerSimulationSpec spec = resource.getSpec();
    ClientManager clients = new ClientManager(spec.clients.count, spec.seedOrDefault());
    Server server = new Server(engine, strategy, clients,
        Duration.ofSeconds(spec.roundTimeoutSecondsOrDefault()),
        ClientDropout.of(ClientGroups.of(spec.clients), spec.seedOrDefault()),
        spec.onDivergenceOrDefault(), ClientGroups.of(spec.clients));
    ServerListener listening = checkpoints == null ? listener
        : ServerListener.all(listener, new Checkpointer(checkpoints, spec,
            spec.checkpointOrDefault().everyRoundsOrDefault(), strategy, clients,
            engine.clientStates()));
    if (resumeFrom == null) {
      server.fit(spec.rounds, initialParameters, history, listening);
      return;
    }
    history.initial = resumeFrom.history().initial;
    resumeFrom.history().rounds().forEach(history::add);
    strategy.restoreState(resumeFrom.strategyState());
    clients.resumeAt(resumeFrom.samplingPosition());
    engine.clientStates().restore(resumeFrom.clientStates());
    server.resume(resumeFrom.round(), resumeFrom.parameters(), spec.rounds, history, listening);
  }

  @Override
  public void close() {
    try {
      engine.close();
    } finally {
      if (central != null) {
        central.close();
      }
    }
  }
}

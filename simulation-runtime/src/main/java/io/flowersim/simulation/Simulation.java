package io.flowersim.simulation;

import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.client.Config;
import io.flowersim.engine.ClientConcurrency;
import io.flowersim.engine.ClientEngine;
import io.flowersim.engine.ClientProcesses;
import io.flowersim.engine.ClientRunner;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.EngineBackend;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.IntraOpThreads;
import io.flowersim.engine.LocalEngine;
import io.flowersim.engine.WorkerInitHook;
import io.flowersim.engine.pool.WorkerLauncher;
import io.flowersim.engine.pool.WorkerPoolEngine;
import io.flowersim.server.ClientDropout;
import io.flowersim.server.History;
import io.flowersim.server.Server;
import io.flowersim.server.ServerListener;
import io.flowersim.strategy.ClientManager;
import io.flowersim.strategy.Strategy;
import io.flowersim.strategy.StrategyFactory;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskRegistry;
import io.flowersim.task.TaskSettings;
import java.time.Duration;

/**
 * One simulation assembled from a FlowerSimulation: task, strategy, engine and server. The CLI and
 * the in-cluster entry point both run simulations through this class.
 */
public final class Simulation implements AutoCloseable {

  /** How long the local pool's workers may take to set the task up (load data, start DJL). */
  private static final Duration WORKER_SETUP_TIMEOUT = Duration.ofMinutes(10);

  private final FlowerSimulation resource;
  private final FederatedTask task;
  private final Strategy strategy;
  private final ClientEngine engine;

  private Simulation(FlowerSimulation resource, FederatedTask task, Strategy strategy,
      ClientEngine engine) {
    this.resource = resource;
    this.task = task;
    this.strategy = strategy;
    this.engine = engine;
  }

  /**
   * Prepares a simulation on the local backend, with the default {@link ClientProcesses} and the
   * init hook of the system property {@value WorkerInitHook#PROPERTY}, if set.
   */
  public static Simulation local(FlowerSimulation resource, TaskRegistry tasks,
      EngineResources resources) throws Exception {
    return local(resource, tasks, resources, ClientProcesses.DEFAULT,
        WorkerInitHook.configured(null));
  }

  /**
   * Prepares a simulation on the local backend. Everything that can be refused (unknown task,
   * resources the engine lacks) is refused here, before the task loads any data. Clients run on
   * threads of this JVM, or, for a task that cannot train them on parallel threads, in a pool of
   * worker JVMs ({@link ClientProcesses#POOL}) or one at a time here ({@link
   * ClientProcesses#SINGLE}).
   *
   * @param workerInitHook run once in each worker JVM of a pool, else once here ("" for none)
   */
  public static Simulation local(FlowerSimulation resource, TaskRegistry tasks,
      EngineResources resources, ClientProcesses processes, String workerInitHook)
      throws Exception {
    FlowerSimulationSpec spec = resource.getSpec();
    int slots = check(resource, tasks, resources);
    FederatedTask task = tasks.create(spec.task);
    TaskSettings settings = settings(spec);
    ClientEngine engine;
    if (!task.clientsRunConcurrentlyInOneProcess() && slots > 1
        && processes == ClientProcesses.POOL) {
      // The workers set the task up while this JVM does the same for the server's evaluation.
      WorkerPoolEngine pool = WorkerPoolEngine.launch(new WorkerLauncher(spec.task, settings,
          workerInitHook, spec.clients.resourcesOrDefault().cpusOrDefault()), resources, slots);
      try {
        task.setup(settings);
      } catch (Exception | Error e) {
        pool.close();
        throw e;
      }
      pool.awaitReady(WORKER_SETUP_TIMEOUT);
      engine = pool;
    } else {
      WorkerInitHook.run(workerInitHook, Simulation.class.getClassLoader());
      if (!task.clientsRunConcurrentlyInOneProcess()) {
        IntraOpThreads.applyInThisProcess(
            IntraOpThreads.forCpus(spec.clients.resourcesOrDefault().cpusOrDefault()));
      }
      task.setup(settings);
      engine = new LocalEngine(new ClientRunner(task, settings, new ClientStateStore()),
          resources, slots);
    }
    try {
      Strategy strategy = StrategyFactory.create(spec.strategyOrDefault(), task,
          spec.clients.count, spec.seedOrDefault());
      return new Simulation(resource, task, strategy, engine);
    } catch (Exception | Error e) {
      engine.close();
      throw e;
    }
  }

  /**
   * Prepares a simulation on the named backend: "local" is {@link #local}; any other name is an
   * {@link EngineBackend} found through ServiceLoader (e.g. "ray" from simulation-runtime-ray),
   * connected to {@code address}. The engine refuses an unreachable cluster or client resources no
   * node can satisfy before the task loads any data in this process.
   */
  public static Simulation create(String backend, String address, FlowerSimulation resource,
      TaskRegistry tasks, EngineResources resources) throws Exception {
    return create(backend, address, resource, tasks, resources, ClientProcesses.DEFAULT,
        WorkerInitHook.configured(null));
  }

  /**
   * As {@link #create(String, String, FlowerSimulation, TaskRegistry, EngineResources)}, with the
   * local backend's {@code processes} choice and a {@link WorkerInitHook} class for every worker.
   */
  public static Simulation create(String backend, String address, FlowerSimulation resource,
      TaskRegistry tasks, EngineResources resources, ClientProcesses processes,
      String workerInitHook) throws Exception {
    if (backend == null || backend.equals("local")) {
      return local(resource, tasks, resources, processes, workerInitHook);
    }
    FlowerSimulationSpec spec = resource.getSpec();
    if (!tasks.contains(spec.task)) {
      tasks.create(spec.task);
    }
    TaskSettings settings = settings(spec);
    EngineBackend found = EngineBackend.find(backend, Simulation.class.getClassLoader());
    ClientEngine engine = found.create(new EngineBackend.Request(spec.task, settings,
        spec.clients.resourcesOrDefault(), address, workerInitHook));
    try {
      FederatedTask task = tasks.create(spec.task);
      task.setup(settings);
      Strategy strategy =
          StrategyFactory.create(spec.strategyOrDefault(), task, spec.clients.count);
      return new Simulation(resource, task, strategy, engine);
    } catch (Exception | Error e) {
      engine.close();
      throw e;
    }
  }

  /** The engine, for backends' tests (e.g. where the Ray backend placed clients). */
  public ClientEngine engine() {
    return engine;
  }

  /**
   * What can be refused without loading anything: the task must exist and one client must fit
   * the engine's resources.
   *
   * @return how many clients the resources allow at once
   * @throws io.flowersim.task.UnknownTaskException naming spec.task and the available tasks
   * @throws io.flowersim.engine.InsufficientResourcesException naming the resource field
   */
  public static int check(FlowerSimulation resource, TaskRegistry tasks,
      EngineResources resources) {
    FlowerSimulationSpec spec = resource.getSpec();
    if (!tasks.contains(spec.task)) {
      tasks.create(spec.task);
    }
    return ClientConcurrency.slots(resources, spec.clients.resourcesOrDefault());
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
    FlowerSimulationSpec spec = resource.getSpec();
    Server server = new Server(engine, strategy,
        new ClientManager(spec.clients.count, spec.seedOrDefault()),
        Duration.ofSeconds(spec.roundTimeoutSecondsOrDefault()),
        new ClientDropout(spec.clients.dropoutRateOrDefault(), spec.seedOrDefault()));
    server.fit(spec.rounds, task::initialParameters, history, listener);
  }

  @Override
  public void close() {
    engine.close();
  }
}

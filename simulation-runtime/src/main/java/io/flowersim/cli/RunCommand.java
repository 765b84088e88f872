package io.flowersim.cli;

import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.checkpoint.Checkpoint;
import io.flowersim.checkpoint.CheckpointStore;
import io.flowersim.engine.ClientProcesses;
import io.flowersim.engine.EngineBackend;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.InsufficientResourcesException;
import io.flowersim.engine.RayAddress;
import io.flowersim.engine.WorkerInitHook;
import io.flowersim.server.History;
import io.flowersim.server.RoundFailedException;
import io.flowersim.server.ServerListener;
import io.flowersim.simulation.ExitCode;
import io.flowersim.simulation.InvalidSimulationException;
import io.flowersim.simulation.Simulation;
import io.flowersim.simulation.SimulationFile;
import io.flowersim.simulation.UnenforcedFields;
import io.flowersim.task.TaskConfigException;
import io.flowersim.task.TaskRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `flowersim run FILE`: the simulation on the local backend, history.json and history.png. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Runs a simulation from a FlowerSimulation file: in this JVM, or on a Ray "
        + "cluster with --backend ray.")
final class RunCommand implements Callable<Integer> {

  /** Where under --out DIR the checkpoints go. */
  static final String CHECKPOINTS = "checkpoints";

  @Parameters(index = "0", paramLabel = "FILE", description = "FlowerSimulation YAML")
  Path file;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Where history.json, history.png and checkpoints/ go (default: "
          + "flowersim-out/NAME).")
  Path out;

  @Option(names = "--resume",
      description = "Continues from the newest checkpoint in DIR/checkpoints (written after every "
          + "spec.checkpoint.everyRounds rounds), which must come from the same spec (--rounds may "
          + "raise spec.rounds); without it a run starts at round 1 and replaces DIR's checkpoints.")
  boolean resume;

  @Option(names = "--rounds", paramLabel = "N", description = "Overrides spec.rounds.")
  Integer rounds;

  @Option(names = "--seed", paramLabel = "N", description = "Overrides spec.seed (sampling).")
  Long seed;

  @Option(names = "--backend", paramLabel = "local|ray", defaultValue = "local",
      description = "Where clients run: local (threads in this JVM, the default) or ray (Ray Java "
          + "actors on a Ray cluster; needs the simulation-runtime-ray module).")
  String backend;

  @Option(names = "--ray-address", paramLabel = "HOST:PORT",
      description = "The Ray cluster's GCS address (scripts/ray-cluster.sh address), or auto "
          + "inside the head pod; with --backend ray. Default: $RAY_ADDRESS.")
  String rayAddress;

  @Option(names = "--client-processes", paramLabel = "pool|single",
      description = "How the local backend runs clients of a task that cannot train them on "
          + "parallel threads of one JVM (DJL/PyTorch tasks): pool (worker JVMs, as many as "
          + "spec.clients.resources allow at once, each with the client's CPUs as intra-op "
          + "threads) or single (this JVM, one client at a time, with the client's CPUs as intra-op "
          + "threads). "
          + "Default: single, the faster on the Fashion-MNIST examples on 2 shared cores.")
  String clientProcesses;

  @Option(names = "--worker-init", paramLabel = "CLASS",
      description = "An io.flowersim.engine.WorkerInitHook run once in every worker (Ray actor, "
          + "pool JVM, or this JVM) before the task is set up, like Flower's on_actor_init_fn. "
          + "Default: the system property flowersim.worker-init.")
  String workerInit;

  @Mixin
  EngineOptions engine;

  @Spec
  CommandSpec commandSpec;

  private Terminal terminal;

  @Override
  public Integer call() {
    terminal = Terminal.of(commandSpec);
    FlowerSimulation sim;
    EngineResources resources;
    ClientProcesses processes;
    try {
      sim = SimulationFile.read(file);
      applyOverrides(sim);
      resources = engine.resources();
      checkBackend();
      processes = clientProcesses();
      workerInit = checkWorkerInit();
      if (backend.equals(EngineBackend.LOCAL)) {
        // A Flower App is imported by the pool's workers, which refuse it as validate would.
        Preflight.check(sim, resources, false);
      } else {
        Preflight.checkTask(sim);
      }
    } catch (InvalidSimulationException e) {
      return terminal.refuse(file, e, engine.debug);
    }
    List<String> ignored = SimulationFile.clusterOnlyFields(sim);
    if (!ignored.isEmpty()) {
      terminal.warn("flowersim run ignores the cluster-only fields " + String.join(", ", ignored)
          + " (they take effect with kubectl apply)");
    }
    UnenforcedFields.of(sim.getSpec()).forEach(terminal::warn);
    if (backend.equals(EngineBackend.LOCAL) && sim.getSpec().clients.groups != null
        && sim.getSpec().clients.groups.stream().anyMatch(g -> g.workerGroup != null)) {
      terminal.warn("the local backend runs every client group on this machine: "
          + "spec.clients.groups[].workerGroup takes effect in the cluster and with --backend ray");
    }
    String name = sim.getMetadata().getName();
    Path dir = out != null ? out : Path.of("flowersim-out", name);
    CheckpointStore checkpoints = new CheckpointStore(dir.resolve(CHECKPOINTS));
    Checkpoint resumeFrom = null;
    try {
      OutDirectory.check(dir);
      if (resume) {
        resumeFrom = checkpoints.resumable(sim.getSpec(), terminal::warn);
      }
    } catch (InvalidSimulationException e) {
      return terminal.refuse(file, e, engine.debug);
    } catch (CheckpointStore.NotResumableException | IOException e) {
      return terminal.refuse(file, new InvalidSimulationException(List.of("--resume: "
          + e.getMessage())), engine.debug);
    }
    Simulation simulation;
    try {
      simulation = Simulation.create(backend, rayAddress, sim, TaskRegistry.load(), resources,
          processes, workerInit);
    } catch (InsufficientResourcesException e) {
      return terminal.refuse(file, new InvalidSimulationException(List.of(e.getMessage())),
          engine.debug);
    } catch (TaskConfigException e) {
      return terminal.refuse(file, new InvalidSimulationException(e.problems()), engine.debug);
    } catch (Exception e) {
      // The task refused its configuration or could not load its data: still nothing has run.
      return terminal.refuse(file, new InvalidSimulationException(String.valueOf(e.getMessage()),
          e), engine.debug);
    }
    try (simulation) {
      return run(sim, simulation, dir, checkpoints, resumeFrom);
    }
  }

  private ClientProcesses clientProcesses() throws InvalidSimulationException {
    if (clientProcesses == null) {
      return ClientProcesses.DEFAULT;
    }
    if (!backend.equals(EngineBackend.LOCAL)) {
      throw new InvalidSimulationException(List.of("--client-processes: only with --backend "
          + "local (on Ray every client runs in an actor's own JVM)"));
    }
    try {
      return ClientProcesses.parse(clientProcesses);
    } catch (IllegalArgumentException e) {
      throw new InvalidSimulationException(List.of(e.getMessage()));
    }
  }

  /** The hook class must exist here and be a WorkerInitHook; workers load it the same way. */
  private String checkWorkerInit() throws InvalidSimulationException {
    String name = WorkerInitHook.configured(workerInit);
    if (name.isEmpty()) {
      return name;
    }
    try {
      Class<?> type = Class.forName(name, false, RunCommand.class.getClassLoader());
      if (!WorkerInitHook.class.isAssignableFrom(type)) {
        throw new InvalidSimulationException(List.of("--worker-init: " + name
            + " does not implement " + WorkerInitHook.class.getName()));
      }
    } catch (ClassNotFoundException e) {
      throw new InvalidSimulationException(List.of("--worker-init: no class " + name
          + " on the classpath (add its jar with FLOWERSIM_CLASSPATH)"));
    }
    return name;
  }

  /** --backend local|ray, and --ray-address HOST:PORT only with ray. */
  private void checkBackend() throws InvalidSimulationException {
    try {
      EngineBackend.checkName("--backend", backend);
    } catch (IllegalArgumentException e) {
      throw new InvalidSimulationException(List.of(e.getMessage()));
    }
    if (backend.equals(EngineBackend.LOCAL)) {
      if (rayAddress != null) {
        throw new InvalidSimulationException(
            List.of("--ray-address: only with --backend ray (the local backend runs in this JVM)"));
      }
      return;
    }
    if (rayAddress == null) {
      rayAddress = System.getenv("RAY_ADDRESS");
    }
    if (rayAddress == null || rayAddress.isBlank()) {
      throw new InvalidSimulationException(List.of("--ray-address: needed with --backend ray "
          + "(HOST:PORT of the cluster's GCS, e.g. the output of scripts/ray-cluster.sh address; "
          + "or set RAY_ADDRESS)"));
    }
    try {
      rayAddress = RayAddress.parse(rayAddress).toString();
    } catch (IllegalArgumentException e) {
      throw new InvalidSimulationException(List.of("--ray-address: " + e.getMessage()));
    }
  }

  private void applyOverrides(FlowerSimulation sim) throws InvalidSimulationException {
    if (rounds != null) {
      if (rounds < 1) {
        throw new InvalidSimulationException(List.of("--rounds: must be >= 1, got " + rounds));
      }
      sim.getSpec().rounds = rounds;
    }
    if (seed != null) {
      sim.getSpec().seed = seed;
    }
  }

  private int run(FlowerSimulation sim, Simulation simulation, Path dir,
      CheckpointStore checkpoints, Checkpoint resumeFrom) {
    String name = sim.getMetadata().getName();
    var spec = sim.getSpec();
    terminal.println(String.format(Locale.ROOT, "%s: %s, %d clients, %d rounds, %s; %s",
        name, spec.workload(), spec.clients.count, spec.rounds, simulation.strategy(),
        simulation.engineDescription()));
    History history = new History(name);
    HistoryFileWriter historyFile;
    try {
      Files.createDirectories(dir);
      historyFile = new HistoryFileWriter(dir.resolve("history.json"));
      if (resumeFrom == null && !checkpoints.files().isEmpty()) {
        terminal.println("starting at round 1: removing the earlier run's checkpoints in "
            + checkpoints.directory() + " (--resume continues from them)");
        checkpoints.clear();
      }
    } catch (IOException e) {
      terminal.error("--out " + dir + ": cannot create the directory: " + e.getMessage());
      return ExitCode.INVALID_INPUT;
    }
    int completed = resumeFrom == null ? 0 : resumeFrom.round();
    if (resumeFrom != null) {
      terminal.println(String.format(Locale.ROOT, "resuming after round %d of %d from %s",
          completed, spec.rounds, checkpoints.directory()));
    }
    long started = System.nanoTime();
    try (ProgressDisplay progress = new ProgressDisplay(terminal, spec.rounds, completed)) {
      simulation.run(history, ServerListener.all(progress, historyFile), checkpoints, resumeFrom);
    } catch (RoundFailedException e) {
      finish(history, historyFile, name, dir);
      terminal.error(e.getMessage());
      terminal.error("history of the completed rounds: " + dir.resolve("history.json"));
      return ExitCode.RUN_FAILED;
    } catch (RuntimeException e) {
      finish(history, historyFile, name, dir);
      terminal.error("the simulation failed: " + e);
      if (engine.debug) {
        e.printStackTrace(terminal.err());
      }
      return ExitCode.RUN_FAILED;
    }
    finish(history, historyFile, name, dir);
    double seconds = (System.nanoTime() - started) / 1e9;
    String figures = history.last().map(ProgressDisplay::figures).orElse("");
    terminal.println(String.format(Locale.ROOT, "done: %d rounds in %.1fs; final %s", spec.rounds,
        seconds, figures));
    terminal.println("wrote " + dir.resolve("history.json") + " and " + dir.resolve("history.png"));
    return ExitCode.OK;
  }

  /** Writes what there is, also after a failure: no completed round is lost. */
  private void finish(History history, HistoryFileWriter historyFile, String name, Path dir) {
    historyFile.write(history);
    try {
      HistoryPlot.write(history, name, dir.resolve("history.png"));
    } catch (IOException | RuntimeException e) {
      terminal.warn("could not draw " + dir.resolve("history.png") + ": " + e.getMessage());
    }
  }

}

package io.flowersim.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap.RunState;
import io.flowersim.api.v1alpha1.handover.RuntimeEnvironment;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.checkpoint.Checkpoint;
import io.flowersim.checkpoint.CheckpointStore;
import io.flowersim.engine.EngineBackend;
import io.flowersim.engine.EngineResources;
import io.flowersim.server.DivergedException;
import io.flowersim.server.History;
import io.flowersim.server.ServerListener;
import io.flowersim.simulation.ExitCode;
import io.flowersim.simulation.InvalidSimulationException;
import io.flowersim.simulation.Simulation;
import io.flowersim.simulation.SimulationFile;
import io.flowersim.simulation.UnenforcedFields;
import io.flowersim.task.TaskRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-cluster entry point: the Ray job the operator's RayJob runs on the head pod. Reads the
 * simulation from its environment (io.flowersim.api.v1alpha1.handover.RuntimeEnvironment), runs
 * it on the configured backend (ray, address auto; local for tests), and records every round and
 * the end in the history ConfigMap. Talks to the API server as the pod's ServiceAccount, or
 * through KUBECONFIG outside a cluster.
 *
 * <p>With a checkpoint directory ({@link RuntimeEnvironment#CHECKPOINT_DIR}, on the claim of
 * spec.checkpoint.persistentVolumeClaim) it writes checkpoints there and, when it starts again
 * (a lost head pod retried by KubeRay, a suspend, a Kueue preemption), continues after the newest
 * one made from the same spec; one from another spec fails the run, naming the fields. An
 * attempt that finds the run's end already recorded does not run it again.
 *
 * <p>Exit codes are {@link ExitCode}'s, as the CLI's. Every
 * outcome that reaches the API server is also in the ConfigMap, which is what the operator reads.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    int code;
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      code = run(env, client);
    }
    System.exit(code);
  }

  /** One run, from {@code env} (the process environment in a pod). */
  public static int run(Map<String, String> env, KubernetesClient client) {
    return run(env, client, ServerListener.NONE);
  }

  /**
   * One run, with {@code observer} told of every round after the runtime's own listeners (tests
   * stop a run there, as a lost head pod would).
   */
  public static int run(Map<String, String> env, KubernetesClient client,
      ServerListener observer) {
    List<String> missing = new ArrayList<>();
    String json = required(env, RuntimeEnvironment.SIMULATION, missing);
    String configMap = required(env, RuntimeEnvironment.HISTORY_CONFIGMAP, missing);
    String namespace = required(env, RuntimeEnvironment.NAMESPACE, missing);
    if (!missing.isEmpty()) {
      // Without the ConfigMap's name there is nowhere to report to but the log.
      LOG.error("{}: not set; io.flowersim.runtime.Main runs with the environment the operator "
          + "gives the Ray head", String.join(", ", missing));
      return ExitCode.INVALID_INPUT;
    }
    HistoryConfigMapWriter writer = new HistoryConfigMapWriter(client, namespace, configMap);
    String backend = env.getOrDefault(RuntimeEnvironment.BACKEND, EngineBackend.RAY);
    try {
      EngineBackend.checkName(RuntimeEnvironment.BACKEND, backend);
    } catch (IllegalArgumentException e) {
      return refuse(writer, e.getMessage());
    }
    String address = env.getOrDefault(RuntimeEnvironment.RAY_ADDRESS, "auto");
    FlowerSimulation sim;
    try {
      sim = SimulationFile.parse(json, RuntimeEnvironment.SIMULATION);
    } catch (InvalidSimulationException e) {
      return refuse(writer, "the simulation is invalid: " + String.join("; ", e.problems()));
    }
    String name = sim.getMetadata().getName();
    FlowerSimulationSpec spec = sim.getSpec();
    CheckpointDirectory checkpoints = checkpointDirectory(env, spec);
    Integer historyLimit = spec.historyLimit;
    writer = new HistoryConfigMapWriter(client, namespace, configMap,
        historyLimit == null ? FlowerSimulationSpec.DEFAULT_HISTORY_LIMIT : historyLimit,
        checkpoints == null ? null : CheckpointDirectory.HISTORY_FILE + " in "
            + checkpoints.describe());
    try {
      Optional<RunState> ended = writer.recordedEnd();
      if (ended.isPresent()) {
        LOG.warn("{}: the run already {} in an earlier attempt (its end is in the history "
            + "ConfigMap {}/{}); not running it again", name, ended.get().value(), namespace,
            configMap);
        return ended.get() == RunState.SUCCEEDED ? ExitCode.OK : ExitCode.RUN_FAILED;
      }
    } catch (KubernetesClientException e) {
      LOG.error("{}: cannot read the history ConfigMap {}/{}: {}", name, namespace, configMap,
          e.getMessage());
      return ExitCode.RUN_FAILED;
    }
    Checkpoint resumeFrom = null;
    if (checkpoints != null) {
      try {
        resumeFrom = checkpoints.resumable(spec).orElse(null);
      } catch (CheckpointStore.NotResumableException e) {
        return refuse(writer, "spec.checkpoint: " + e.getMessage() + "; delete the simulation's "
            + "directory on the claim to begin at round 1");
      } catch (IOException e) {
        return finish(writer, null, RunState.FAILED, "spec.checkpoint: cannot use "
            + checkpoints.describe() + ": " + e, ExitCode.RUN_FAILED);
      }
    }
    Simulation simulation;
    try {
      simulation = Simulation.create(backend, backend.equals(EngineBackend.RAY) ? address : null, sim,
          TaskRegistry.load(), EngineResources.ofThisMachine());
    } catch (Exception e) {
      return refuse(writer, "the simulation could not start: " + e.getMessage());
    }
    History history = new History(name);
    UnenforcedFields.of(sim.getSpec()).forEach(line -> LOG.warn("{}: {}", name, line));
    try (simulation) {
      LOG.info("{}: {}, {} clients, {} rounds, {}; {}", name, spec.workload(),
          spec.clients.count, spec.rounds, simulation.strategy(),
          simulation.engineDescription());
      if (resumeFrom == null) {
        writer.started(history);
      } else {
        writer.resumed(resumeFrom.history(), resumeFrom.round(), "resumed after round "
            + resumeFrom.round() + " of " + spec.rounds + " from its checkpoint in "
            + checkpoints.describe());
      }
      ServerListener listener = checkpoints == null
          ? ServerListener.all(roundLog(spec.rounds), writer, observer)
          : ServerListener.all(roundLog(spec.rounds), checkpoints, writer, observer);
      simulation.run(history, listener, checkpoints == null ? null : checkpoints.store(),
          resumeFrom);
    } catch (KubernetesClientException e) {
      LOG.error("{}: cannot write the history ConfigMap {}/{}: {}", name, namespace, configMap,
          e.getMessage());
      return ExitCode.RUN_FAILED;
    } catch (DivergedException e) {
      // The diverged round is in the history: the message names it, and the status says it.
      LOG.error("{}: {}", name, e.getMessage());
      return finish(writer, history, RunState.FAILED, e.getMessage(), ExitCode.RUN_FAILED);
    } catch (RuntimeException e) {
      LOG.error("{}: the simulation failed", name, e);
      String failure = "round " + (history.rounds().size() + 1) + " failed: " + e.getMessage();
      if (checkpoints != null) {
        // A head pod going away breaks the round like this too: with a checkpoint KubeRay starts
        // the job again on a new cluster (spec.backoffLimit), so this attempt ends, not the run;
        // when no attempt is left, KubeRay fails the RayJob and the operator the simulation.
        return finish(writer, history, RunState.RUNNING, failure + "; this attempt ended, and a "
            + "retry continues after the newest checkpoint in " + checkpoints.describe(),
            ExitCode.RUN_FAILED);
      }
      return finish(writer, history, RunState.FAILED, failure, ExitCode.RUN_FAILED);
    }
    return finish(writer, history, RunState.SUCCEEDED,
        "all " + spec.rounds + " rounds completed", ExitCode.OK);
  }

  /** The simulation's directory on the checkpoint claim, null without one. */
  private static CheckpointDirectory checkpointDirectory(Map<String, String> env,
      FlowerSimulationSpec spec) {
    String dir = env.get(RuntimeEnvironment.CHECKPOINT_DIR);
    if (dir == null || dir.isBlank()) {
      return null;
    }
    String claim = spec.checkpoint == null || spec.checkpoint.persistentVolumeClaim == null ? null
        : spec.checkpoint.persistentVolumeClaim.claimName;
    return new CheckpointDirectory(Path.of(dir), claim);
  }

  private static String required(Map<String, String> env, String name, List<String> missing) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      missing.add(name);
    }
    return value;
  }

  private static int refuse(HistoryConfigMapWriter writer, String message) {
    LOG.error(message);
    return finish(writer, null, RunState.FAILED, message, ExitCode.INVALID_INPUT);
  }

  private static int finish(HistoryConfigMapWriter writer, History history, RunState state,
      String message, int code) {
    try {
      writer.finished(history, state, message);
      return code;
    } catch (KubernetesClientException e) {
      LOG.error("cannot record the end of the run ({}: {}): {}", state.value(), message,
          e.getMessage());
      // A run that completed did complete: the job's exit says so where the ConfigMap cannot.
      return state == RunState.SUCCEEDED ? code : ExitCode.RUN_FAILED;
    }
  }

  private static ServerListener roundLog(int rounds) {
    return new ServerListener() {
      @Override
      public void roundFinished(RoundRecord record, History history) {
        LOG.info("round {}/{}: fit {} ok {} failed, evaluate {} ok {} failed, loss {}",
            record.round, rounds, record.fitClients, record.fitFailures, record.evaluateClients,
            record.evaluateFailures, record.centralizedLoss != null ? record.centralizedLoss
                : record.distributedLoss);
      }
    };
  }
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.LinkedHashMap;
import java.util.Map;

/** What to simulate (task, clients, rounds, strategy) and where (the Ray cluster). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"task", "taskConfig", "flowerApp", "image", "rounds", "seed", "roundTimeoutSeconds", "onDivergence", "clients",
    "strategy", "cluster", "data", "queueName", "priorityClassName", "suspend", "historyLimit", "checkpoint"})
@ValidationRule(value = "!has(self.strategy) || !has(self.strategy.minFitClients) "
    + "|| self.strategy.minFitClients <= self.clients.count",
    message = "spec.strategy.minFitClients must not exceed spec.clients.count",
    fieldPath = ".strategy.minFitClients")
@ValidationRule(value = "!has(self.strategy) || !has(self.strategy.minEvaluateClients) "
    + "|| self.strategy.minEvaluateClients <= self.clients.count",
    message = "spec.strategy.minEvaluateClients must not exceed spec.clients.count",
    fieldPath = ".strategy.minEvaluateClients")
@ValidationRule(value = "!has(self.strategy) || !has(self.strategy.minAvailableClients) "
    + "|| self.strategy.minAvailableClients <= self.clients.count",
    message = "spec.strategy.minAvailableClients must not exceed spec.clients.count",
    fieldPath = ".strategy.minAvailableClients")
@ValidationRule(value = "has(self.task) != has(self.flowerApp)",
    message = "exactly one of spec.task and spec.flowerApp must be set")
public class FlowerSimulationSpec {

  public static final int DEFAULT_ROUND_TIMEOUT_SECONDS = 600;
  public static final int DEFAULT_HISTORY_LIMIT = 50;
  public static final long DEFAULT_SEED = 42L;
  /**
   * A round record takes up to a few KiB (metrics, clients by node); this many keep status.rounds
   * well inside the API server's 1.5 MiB object limit.
   */
  public static final int MAX_HISTORY_LIMIT = 100;

  /** Has at least one non-whitespace character (the pattern is not anchored). */
  public static final String NOT_BLANK_PATTERN = "\\S";

  @Pattern(NOT_BLANK_PATTERN)
  @JsonPropertyDescription("Name of the federated task (model, data and client code), found by name in "
      + "the runtime, e.g. synthetic or fashion-mnist-mlp. Exactly one of task and flowerApp.")
  public String task;

  @JsonPropertyDescription("Task parameters as strings, e.g. learningRate, localEpochs, batchSize; "
      + "each task documents the keys it reads.")
  public Map<String, String> taskConfig = new LinkedHashMap<>();

  @JsonPropertyDescription("A Flower App whose ClientApp (Python, unchanged) runs as the virtual "
      + "clients; the server and strategy are this spec's. Exactly one of task and flowerApp.")
  public FlowerAppSpec flowerApp;

  @JsonPropertyDescription("Runtime image for the Ray head and workers (cluster only; the operator "
      + "has a default).")
  public String image;

  @Required
  @Min(1)
  @JsonPropertyDescription("Number of federated rounds (at least 1).")
  public Integer rounds;

  @JsonPropertyDescription("Seed for client sampling and anything else the server draws at random; "
      + "the same seed samples the same clients every run. Default 42.")
  public Long seed;

  @Min(1)
  @JsonPropertyDescription("Seconds a round may take; clients still running then count as failures "
      + "of that round, and a spec.flowerApp.evaluateFn call still running then fails the run. "
      + "Default 600.")
  public Integer roundTimeoutSeconds;

  @JsonPropertyDescription("Stop (the default): a round whose loss is NaN or infinite fails the "
      + "run with \"diverged at round N\"; Continue: the round is recorded (the loss named in "
      + "nonFinite) and the run goes on.")
  public OnDivergence onDivergence;

  @Required
  @JsonPropertyDescription("The client population: how many, the resources each needs, and how the "
      + "data is partitioned among them.")
  public ClientsSpec clients;

  @JsonPropertyDescription("The server strategy (Flower's), with its sampling knobs. Default FedAvg.")
  public StrategySpec strategy;

  @JsonPropertyDescription("The KubeRay cluster the operator provisions (cluster only; ignored by "
      + "flowersim run).")
  public ClusterSpec cluster;

  @JsonPropertyDescription("Data mounted read-only into the Ray head and workers from a "
      + "PersistentVolumeClaim (cluster only), e.g. the files taskConfig.dataDir names.")
  public DataSpec data;

  @JsonPropertyDescription("Kueue LocalQueue to submit the Ray job to (cluster only).")
  public String queueName;

  @JsonPropertyDescription("PriorityClass for the Ray job's pods and its Kueue workload (cluster only).")
  public String priorityClassName;

  @JsonPropertyDescription("Suspends the simulation: the Ray cluster is torn down. Resuming "
      + "continues after the newest checkpoint with spec.checkpoint.persistentVolumeClaim; "
      + "without one it starts the run again from round 1, and the earlier attempt's history is "
      + "kept in the history ConfigMap as previous-attempt.json (cluster only).")
  public Boolean suspend;

  @Min(0)
  @Max(MAX_HISTORY_LIMIT)
  @JsonPropertyDescription("Rounds kept in status.rounds (the newest), 0 to 100; the history "
      + "ConfigMap keeps as many (at least the newest one, fewer if they exceed 400 KiB) and says "
      + "in summary.json how many rounds there were; with spec.checkpoint.persistentVolumeClaim "
      + "every round is in history.json on the claim. Default 50.")
  public Integer historyLimit;

  @JsonPropertyDescription("Checkpoints after completed rounds: global parameters, strategy "
      + "state, sampling position, client state and history. flowersim run writes them under "
      + "--out DIR/checkpoints (every round without this field) and continues from the newest with "
      + "--resume. In the cluster they need persistentVolumeClaim; a run that starts again "
      + "there continues after the newest one by itself.")
  public CheckpointSpec checkpoint;

  public CheckpointSpec checkpointOrDefault() {
    return checkpoint == null ? new CheckpointSpec() : checkpoint;
  }

  /** What the clients run, for the user: "task synthetic" or "Flower App examples/flower-numpy". */
  public String workload() {
    return flowerApp != null ? "Flower App " + flowerApp.path : "task " + task;
  }

  public long seedOrDefault() {
    return seed == null ? DEFAULT_SEED : seed;
  }

  public int roundTimeoutSecondsOrDefault() {
    return roundTimeoutSeconds == null ? DEFAULT_ROUND_TIMEOUT_SECONDS : roundTimeoutSeconds;
  }

  public OnDivergence onDivergenceOrDefault() {
    return onDivergence == null ? OnDivergence.STOP : onDivergence;
  }

  public StrategySpec strategyOrDefault() {
    return strategy == null ? new StrategySpec() : strategy;
  }
}

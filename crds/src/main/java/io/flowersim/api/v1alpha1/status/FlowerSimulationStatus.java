package io.flowersim.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.ArrayList;
import java.util.List;

/** Observed state of a simulation; the operator is its only writer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"observedGeneration", "conditions", "phase", "currentRound", "totalRounds",
    "resumedFromRound", "loss", "accuracy", "rounds", "historyConfigMap", "rayJobName",
    "rayClusterName", "startTime", "completionTime", "message"})
public class FlowerSimulationStatus {

  @JsonPropertyDescription("The metadata.generation this status was computed for.")
  public Long observedGeneration;

  @JsonPropertyDescription("Validated, Ready and other conditions.")
  public List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Pending, Queued (Kueue holds it), Provisioning, Running, Suspended, Succeeded or Failed.")
  public SimulationPhase phase;

  @JsonPropertyDescription("The last completed round.")
  public Integer currentRound;

  @JsonPropertyDescription("Rounds the simulation runs (spec.rounds).")
  public Integer totalRounds;

  @JsonPropertyDescription("The round whose checkpoint the run continued from when it started "
      + "again (spec.checkpoint.persistentVolumeClaim): it went on with the next round, and "
      + "rounds holds each round once. Absent for a run that began at round 1.")
  public Integer resumedFromRound;

  @JsonPropertyDescription("Loss after the last completed round (centralized if evaluated, else "
      + "distributed).")
  public Double loss;

  @JsonPropertyDescription("Accuracy after the last completed round, if the task reports one.")
  public Double accuracy;

  @JsonPropertyDescription("The newest rounds, at most spec.historyLimit.")
  public List<RoundRecord> rounds = new ArrayList<>();

  @JsonPropertyDescription("ConfigMap that holds the full round history.")
  public String historyConfigMap;

  @JsonPropertyDescription("The KubeRay RayJob running the simulation.")
  public String rayJobName;

  @JsonPropertyDescription("The RayCluster KubeRay made for the job.")
  public String rayClusterName;

  @JsonPropertyDescription("When the simulation started running, UTC ISO-8601.")
  public String startTime;

  @JsonPropertyDescription("When it succeeded or failed, UTC ISO-8601.")
  public String completionTime;

  @JsonPropertyDescription("Why the simulation is in its phase, for people.")
  public String message;
}

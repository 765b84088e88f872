package io.flowersim.operator.reconciler;

import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.status.FlowerSimulationStatus;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.operator.dependent.ResourceNames;
import io.flowersim.operator.observer.HistoryReading;
import io.flowersim.operator.observer.Observation;
import java.util.ArrayList;
import java.util.List;

/**
 * The status of one reconcile: phase and conditions from the observation and validation, rounds
 * mirrored from the history. Times are set once, so an unchanged simulation yields an equal
 * status (and no patch).
 */
final class StatusBuilder {

  /** The accuracy metric a task reports, centralized or aggregated from the clients. */
  static final String ACCURACY = "accuracy";

  private StatusBuilder() {}

  /**
   * @param validationErrors the validator's errors, empty when the spec is valid
   * @param changedFields spec fields changed since the RayJob was made, empty when none
   * @param totalRounds rounds of the spec the run started with
   * @param now the time of this reconcile, UTC ISO-8601
   */
  static FlowerSimulationStatus build(FlowerSimulation sim, RayJob job, HistoryReading history,
      Observation observed, List<String> validationErrors, List<String> changedFields,
      int totalRounds, String now) {
    FlowerSimulationStatus previous = sim.getStatus() == null ? new FlowerSimulationStatus()
        : sim.getStatus();
    long generation = sim.getMetadata().getGeneration() == null ? 0
        : sim.getMetadata().getGeneration();
    FlowerSimulationSpec spec = sim.getSpec();
    ResourceNames names = new ResourceNames(sim);
    FlowerSimulationStatus status = new FlowerSimulationStatus();
    status.observedGeneration = generation;

    boolean refused = !validationErrors.isEmpty() && job == null;
    Observation phase = refused
        ? new Observation(SimulationPhase.Failed, "InvalidSpec",
            "the spec is invalid: " + String.join("; ", validationErrors))
        : observed;
    // A terminal phase never changes again for the same generation (SimulationPhase).
    if (previous.phase != null && previous.phase.isTerminal() && !phase.phase().isTerminal()
        && previous.observedGeneration != null && previous.observedGeneration == generation) {
      phase = new Observation(previous.phase, previous.phase.name(), previous.message,
          phase.admission());
    }
    status.phase = phase.phase();
    status.message = history.problem() != null && !phase.phase().isTerminal()
        ? phase.message() + "; " + history.problem() : phase.message();

    Conditions conditions = new Conditions(previous.conditions, generation, now);
    if (!validationErrors.isEmpty()) {
      conditions.set(Conditions.VALIDATED, false, "InvalidSpec",
          String.join("; ", validationErrors)
              + (refused ? "" : "; the run goes on with the spec it started with"));
    } else if (!changedFields.isEmpty()) {
      conditions.set(Conditions.VALIDATED, false, "SpecChangedWhileRunning",
          String.join(", ", changedFields) + " changed after the simulation started; only "
              + "spec.suspend may change then. The run goes on with the spec it started with; "
              + "delete and re-create the simulation to run the new spec");
    } else {
      conditions.set(Conditions.VALIDATED, true, "Valid", "the spec is valid");
    }
    conditions.set(Conditions.RUNNING, phase.phase() == SimulationPhase.Running, phase.reason(),
        status.message);
    conditions.set(Conditions.COMPLETED, phase.phase().isTerminal(),
        phase.phase().isTerminal() ? phase.reason() : "NotCompleted", status.message);
    if (phase.admission() != null) {
      conditions.set(Conditions.ADMITTED, phase.admission().admitted(),
          phase.admission().reason(), phase.admission().message());
    }
    status.conditions = conditions.build();

    status.totalRounds = totalRounds;
    status.currentRound = history.currentRound();
    List<RoundRecord> rounds = history.rounds();
    int limit = spec.historyLimit == null ? FlowerSimulationSpec.DEFAULT_HISTORY_LIMIT
        : spec.historyLimit;
    status.rounds = new ArrayList<>(rounds.subList(Math.max(0, rounds.size() - limit),
        rounds.size()));
    if (!rounds.isEmpty()) {
      RoundRecord last = rounds.get(rounds.size() - 1);
      status.loss = last.centralizedLoss != null ? last.centralizedLoss : last.distributedLoss;
      status.accuracy = last.centralizedMetrics.containsKey(ACCURACY)
          ? last.centralizedMetrics.get(ACCURACY) : last.distributedMetrics.get(ACCURACY);
    }

    status.historyConfigMap = names.historyConfigMap();
    status.rayJobName = job == null ? null : job.getMetadata().getName();
    status.rayClusterName = job == null || job.getStatus() == null
        ? previous.rayClusterName : job.getStatus().rayClusterName;
    boolean started = phase.phase() == SimulationPhase.Running
        || (phase.phase().isTerminal() && (job != null || !rounds.isEmpty()));
    status.startTime = previous.startTime != null ? previous.startTime
        : started ? orNow(job == null || job.getStatus() == null ? null
            : job.getStatus().startTime, now) : null;
    status.completionTime = previous.completionTime != null && phase.phase().isTerminal()
        ? previous.completionTime
        : phase.phase().isTerminal() ? orNow(job == null || job.getStatus() == null ? null
            : job.getStatus().endTime, now) : null;
    return status;
  }

  private static String orNow(String time, String now) {
    return time == null || time.isBlank() ? now : time;
  }
}

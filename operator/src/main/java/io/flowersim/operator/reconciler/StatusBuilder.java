package io.flowersim.operator.reconciler;

import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.kuberay.RayJobStatus;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.status.Condition;
import io.flowersim.api.v1alpha1.status.ConditionReason;
import io.flowersim.api.v1alpha1.status.FlowerSimulationStatus;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.operator.dependent.ResourceNames;
import io.flowersim.operator.observer.HistoryReading;
import io.flowersim.operator.observer.Observation;
import io.flowersim.operator.validation.SpecValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The status of one reconcile: phase and conditions from the observation and validation, rounds
 * mirrored from the history. Times are set once, so an unchanged simulation yields an equal
 * status (and no patch). What is not given is absent: no RayJob, no history, a valid spec
 * unchanged since the run started, the spec's rounds.
 */
final class StatusBuilder {

  /** The accuracy metric a task reports, centralized or aggregated from the clients. */
  static final String ACCURACY = "accuracy";

  private final FlowerSimulation sim;
  private final FlowerSimulationStatus previous;
  private final long generation;
  private final String now;
  private final Observation observed;
  private RayJob job;
  private HistoryReading history = HistoryReading.NONE;
  private SpecValidation validation = new SpecValidation(List.of());
  private List<String> changedFields = List.of();
  private int totalRounds;

  /**
   * @param observed the phase PhaseObserver saw
   * @param now the time of this reconcile, UTC ISO-8601
   */
  StatusBuilder(FlowerSimulation sim, Observation observed, String now) {
    this.sim = sim;
    this.previous = sim.getStatus() == null ? new FlowerSimulationStatus() : sim.getStatus();
    this.generation = sim.getMetadata().getGeneration() == null ? 0
        : sim.getMetadata().getGeneration();
    this.observed = observed;
    this.now = now;
    this.totalRounds = sim.getSpec().rounds;
  }

  StatusBuilder rayJob(RayJob job) {
    this.job = job;
    return this;
  }

  StatusBuilder history(HistoryReading history) {
    this.history = history;
    return this;
  }

  StatusBuilder validation(SpecValidation validation) {
    this.validation = validation;
    return this;
  }

  /** Spec fields changed since the RayJob was made (StartedSpecCheck). */
  StatusBuilder changedFields(List<String> changedFields) {
    this.changedFields = changedFields;
    return this;
  }

  /** Rounds of the spec the run started with. */
  StatusBuilder totalRounds(int totalRounds) {
    this.totalRounds = totalRounds;
    return this;
  }

  FlowerSimulationStatus build() {
    FlowerSimulationStatus status = new FlowerSimulationStatus();
    status.observedGeneration = generation;
    Observation shown = shownPhase();
    status.phase = shown.phase();
    status.message = shown.message();
    if (history.problem() != null && !shown.phase().isTerminal()) {
      status.message += "; " + history.problem();
    }
    status.conditions = conditions(shown, status.message);
    status.totalRounds = totalRounds;
    status.currentRound = history.currentRound();
    status.resumedFromRound = history.resumedFromRound();
    mirrorRounds(status);
    status.historyConfigMap = new ResourceNames(sim).historyConfigMap();
    status.rayJobName = job == null ? null : job.getMetadata().getName();
    status.rayClusterName = kubeRay() == null ? previous.rayClusterName
        : kubeRay().rayClusterName;
    status.startTime = startTime(shown);
    status.completionTime = completionTime(shown);
    return status;
  }

  /** The observation, unless a refused spec failed the run or a terminal phase stays. */
  private Observation shownPhase() {
    if (validation.refusesRun(job)) {
      return new Observation(SimulationPhase.Failed, ConditionReason.InvalidSpec,
          "the spec is invalid: " + String.join("; ", validation.errors()));
    }
    // A terminal phase never changes again for the same generation (SimulationPhase).
    boolean terminalStays = previous.phase != null && previous.phase.isTerminal()
        && !observed.phase().isTerminal()
        && Objects.equals(previous.observedGeneration, generation);
    if (terminalStays) {
      return new Observation(previous.phase, ConditionReason.ofTerminal(previous.phase).name(),
          previous.message, observed.admission());
    }
    return observed;
  }

  private List<Condition> conditions(Observation shown, String message) {
    Conditions conditions = new Conditions(previous.conditions, generation, now);
    if (!validation.valid()) {
      String errors = String.join("; ", validation.errors());
      conditions.set(Conditions.VALIDATED, false, ConditionReason.InvalidSpec,
          validation.refusesRun(job) ? errors
              : errors + "; the run goes on with the spec it started with");
    } else if (!changedFields.isEmpty()) {
      conditions.set(Conditions.VALIDATED, false, ConditionReason.SpecChangedWhileRunning,
          String.join(", ", changedFields) + " changed after the simulation started; only "
              + "spec.suspend may change then. The run goes on with the spec it started with; "
              + "delete and re-create the simulation to run the new spec");
    } else {
      conditions.set(Conditions.VALIDATED, true, ConditionReason.Valid, "the spec is valid");
    }
    boolean terminal = shown.phase().isTerminal();
    conditions.set(Conditions.RUNNING, shown.phase() == SimulationPhase.Running, shown.reason(),
        message);
    conditions.set(Conditions.COMPLETED, terminal,
        terminal ? shown.reason() : ConditionReason.NotCompleted.name(), message);
    if (shown.admission() != null) {
      conditions.set(Conditions.ADMITTED, shown.admission().admitted(),
          shown.admission().reason(), shown.admission().message());
    }
    return conditions.build();
  }

  /** The newest historyLimit rounds, and the loss and accuracy of the last. */
  private void mirrorRounds(FlowerSimulationStatus status) {
    List<RoundRecord> rounds = history.rounds();
    int limit = sim.getSpec().historyLimit == null ? FlowerSimulationSpec.DEFAULT_HISTORY_LIMIT
        : sim.getSpec().historyLimit;
    status.rounds = new ArrayList<>(rounds.subList(Math.max(0, rounds.size() - limit),
        rounds.size()));
    if (rounds.isEmpty()) {
      return;
    }
    RoundRecord last = rounds.get(rounds.size() - 1);
    status.loss = last.centralizedLoss != null ? last.centralizedLoss : last.distributedLoss;
    status.accuracy = last.centralizedMetrics.containsKey(ACCURACY)
        ? last.centralizedMetrics.get(ACCURACY) : last.distributedMetrics.get(ACCURACY);
  }

  /** Set once the run started: running, or ended after its RayJob existed or rounds ran. */
  private String startTime(Observation shown) {
    if (previous.startTime != null) {
      return previous.startTime;
    }
    boolean started = shown.phase() == SimulationPhase.Running
        || (shown.phase().isTerminal() && (job != null || !history.rounds().isEmpty()));
    return started ? kubeRayTimeOrNow(s -> s.startTime) : null;
  }

  private String completionTime(Observation shown) {
    if (!shown.phase().isTerminal()) {
      return null;
    }
    return previous.completionTime != null ? previous.completionTime
        : kubeRayTimeOrNow(s -> s.endTime);
  }

  /** KubeRay's status of the RayJob; null before KubeRay wrote one. */
  private RayJobStatus kubeRay() {
    return job == null ? null : job.getStatus();
  }

  private String kubeRayTimeOrNow(Function<RayJobStatus, String> time) {
    String kubeRays = kubeRay() == null ? null : time.apply(kubeRay());
    return kubeRays == null || kubeRays.isBlank() ? now : kubeRays;
  }
}

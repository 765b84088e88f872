package io.flowersim.operator.observer;

import io.flowersim.api.v1alpha1.status.ConditionReason;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.operator.kueue.KueueAdmission;

/**
 * Where a simulation is, as seen from its RayJob and its history.
 *
 * @param reason the phase's condition reason: a {@link ConditionReason}, or Kueue's own while
 *     Kueue holds the RayJob
 * @param message for people: why it is in this phase
 * @param admission Kueue's decision about the RayJob; null when no queue holds it
 */
public record Observation(SimulationPhase phase, String reason, String message,
    KueueAdmission admission) {

  public Observation(SimulationPhase phase, ConditionReason reason, String message) {
    this(phase, reason.name(), message, null);
  }

  Observation withAdmission(KueueAdmission admission) {
    return new Observation(phase, reason, message, admission);
  }

  /** The same phase, with the reason and message of what keeps the cluster from coming up. */
  public Observation troubled(ClusterTrouble trouble) {
    return new Observation(phase, trouble.reason().name(), trouble.message() + " (" + message
        + ")", admission);
  }
}

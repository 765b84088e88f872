package io.flowersim.operator.observer;

import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.operator.kueue.KueueAdmission;

/**
 * Where a simulation is, as seen from its RayJob and its history.
 *
 * @param reason one CamelCase word for the phase's condition
 * @param message for people: why it is in this phase
 * @param admission Kueue's decision about the RayJob; null when no queue holds it
 */
public record Observation(SimulationPhase phase, String reason, String message,
    KueueAdmission admission) {

  public Observation(SimulationPhase phase, String reason, String message) {
    this(phase, reason, message, null);
  }

  Observation withAdmission(KueueAdmission admission) {
    return new Observation(phase, reason, message, admission);
  }
}

package io.flowersim.operator.observer;

import io.flowersim.api.v1alpha1.status.SimulationPhase;

/**
 * Where a simulation is, as seen from its RayJob and its history.
 *
 * @param reason one CamelCase word for the phase's condition
 * @param message for people: why it is in this phase
 */
public record Observation(SimulationPhase phase, String reason, String message) {}

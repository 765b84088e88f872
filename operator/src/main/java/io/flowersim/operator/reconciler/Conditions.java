package io.flowersim.operator.reconciler;

import io.flowersim.api.v1alpha1.status.Condition;
import io.flowersim.api.v1alpha1.status.ConditionReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The conditions of a new status, built from the previous ones. */
final class Conditions {

  static final String VALIDATED = "Validated";
  static final String RUNNING = "Running";
  static final String COMPLETED = "Completed";
  /** Only for a simulation with spec.queueName: whether Kueue admitted its RayJob, and why not. */
  static final String ADMITTED = "Admitted";

  private final List<Condition> previous;
  private final long generation;
  private final String now;
  private final List<Condition> next = new ArrayList<>();

  Conditions(List<Condition> previous, long generation, String now) {
    this.previous = previous == null ? List.of() : previous;
    this.generation = generation;
    this.now = now;
  }

  Conditions set(String type, boolean status, ConditionReason reason, String message) {
    return set(type, status, reason.name(), message);
  }

  /**
   * lastTransitionTime stays as it was unless the status flips.
   *
   * @param reason a {@link ConditionReason}, or Kueue's own reason while Kueue holds the RayJob
   */
  Conditions set(String type, boolean status, String reason, String message) {
    Condition c = new Condition();
    c.type = type;
    c.status = status ? "True" : "False";
    c.reason = reason;
    c.message = message;
    c.observedGeneration = generation;
    c.lastTransitionTime = previous.stream()
        .filter(p -> type.equals(p.type) && Objects.equals(p.status, c.status))
        .map(p -> p.lastTransitionTime).filter(Objects::nonNull).findFirst().orElse(now);
    next.add(c);
    return this;
  }

  List<Condition> build() {
    return List.copyOf(next);
  }
}

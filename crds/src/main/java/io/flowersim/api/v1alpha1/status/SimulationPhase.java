package io.flowersim.api.v1alpha1.status;

/** Where a simulation is in its life. */
public enum SimulationPhase {
  Pending(false),
  /** Kueue holds the RayJob (spec.queueName): it waits for quota in its queue, or was preempted. */
  Queued(false),
  Provisioning(false),
  Running(false),
  Suspended(false),
  Succeeded(true),
  Failed(true);

  private final boolean terminal;

  SimulationPhase(boolean terminal) {
    this.terminal = terminal;
  }

  /** A terminal phase never changes again for the same generation. */
  public boolean isTerminal() {
    return terminal;
  }
}

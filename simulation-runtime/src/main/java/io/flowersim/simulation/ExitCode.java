package io.flowersim.simulation;

/**
 * How a simulation's process ends, the same for `flowersim run` and the in-cluster entry point:
 * scripts and the RayJob read these.
 */
public final class ExitCode {

  /** Every round completed. */
  public static final int OK = 0;
  /** The run started and failed (a round failed, a task crashed). */
  public static final int RUN_FAILED = 1;
  /** The input was refused before anything ran. */
  public static final int INVALID_INPUT = 2;

  private ExitCode() {}
}

package io.flowersim.api.v1alpha1.handover;

/**
 * The Ray custom resource by which a client group is pinned to a worker group: the operator
 * gives every Ray node of worker group {@code name} {@link #CAPACITY} of it, and each Ray actor of
 * a client group with that workerGroup asks for one unit, so Ray places it on those nodes only.
 * The capacity only bounds how many actors a node may hold; CPUs, GPUs and memory decide.
 */
public final class WorkerGroupResource {

  /** Units per node: far more actors than any node's CPUs could hold. */
  public static final int CAPACITY = 10_000;

  private static final String PREFIX = "flowersim-worker-group-";

  private WorkerGroupResource() {}

  /** The resource's name for worker group {@code name}. */
  public static String of(String workerGroup) {
    return PREFIX + workerGroup;
  }
}

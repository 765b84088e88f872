package io.flowersim.api.v1alpha1.status;

import java.util.Arrays;

/**
 * Every reason the operator writes into a condition of its own. The one exception is Kueue's:
 * while a simulation is queued, the Admitted condition (and the Running one) carry the reason
 * Kueue wrote on its Workload, whatever Kueue's release calls it; these values stand in only
 * where Kueue wrote none.
 */
public enum ConditionReason {

  // Validated
  /** The spec passed every check. */
  Valid,
  /** The validator refused the spec; before a run nothing is made, during one it goes on. */
  InvalidSpec,
  /** A field other than spec.suspend changed after the RayJob was made. */
  SpecChangedWhileRunning,

  // Running and Completed: the phase
  /** No RayJob yet, or KubeRay has not written its status. */
  RayJobPending,
  /** KubeRay is starting (or resuming) the Ray cluster. */
  ClusterProvisioning,
  /** The runtime runs. */
  Running,
  /**
   * The runtime runs again from round 1 after an earlier attempt, with no checkpoint (its message
   * says why).
   */
  Restarted,
  /** The runtime runs on after an earlier attempt's newest checkpoint (status.resumedFromRound). */
  Resumed,
  /** The RayJob is suspended by spec.suspend. */
  Suspended,
  /** All rounds completed. */
  Succeeded,
  /** The runtime reported that its run failed. */
  RuntimeFailed,
  /** KubeRay reports the Ray job or the RayJob failed. */
  RayJobFailed,
  /** A failed run whose cause is no longer observed (its RayJob is gone); the phase stays. */
  Failed,
  /** Completed=False: the run has not ended. */
  NotCompleted,

  // Running=False while the cluster cannot come up
  /** KubeRay's pod create was refused (e.g. unknown PriorityClass, quota). */
  PodCreationFailed(true),
  /** The kubelet cannot get the image (missing locally, not pullable). */
  ImagePullFailed(true),
  /** No node fits the pod (resources, node selector, taints). */
  Unschedulable(true),
  /** A container cannot be created or keeps exiting. */
  ContainerFailing(true),

  // Admitted: where Kueue wrote no reason of its own
  /** Kueue admitted the RayJob. */
  Admitted,
  /** Kueue reserved quota; its admission checks have not passed yet. */
  QuotaReserved,
  /** Kueue reserved no quota yet. */
  Pending,
  /** Kueue evicted the Workload (e.g. preemption). */
  Evicted,
  /** Kueue has not made or judged a Workload for the RayJob yet. */
  WorkloadPending,
  /** spec.queueName, but Kueue's Workload API is not served. */
  KueueNotInstalled;

  private final boolean clusterTrouble;

  ConditionReason() {
    this(false);
  }

  ConditionReason(boolean clusterTrouble) {
    this.clusterTrouble = clusterTrouble;
  }

  /** Whether this reason says why the Ray cluster cannot come up (a Warning event each). */
  public boolean isClusterTrouble() {
    return clusterTrouble;
  }

  /** Whether a condition's reason, as read from a status, is one of cluster trouble. */
  public static boolean isClusterTrouble(String reason) {
    return Arrays.stream(values()).anyMatch(r -> r.clusterTrouble && r.name().equals(reason));
  }

  /** The reason of a terminal phase kept for its generation once its cause is gone. */
  public static ConditionReason ofTerminal(SimulationPhase phase) {
    return phase == SimulationPhase.Succeeded ? Succeeded : Failed;
  }
}

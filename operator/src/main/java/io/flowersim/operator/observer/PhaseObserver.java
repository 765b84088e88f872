package io.flowersim.operator.observer;

import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.kuberay.RayJobStatus;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap.RunState;
import io.flowersim.api.v1alpha1.status.ConditionReason;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.operator.dependent.ManagedLabels;
import io.flowersim.operator.kueue.KueueAdmission;

/**
 * The phase from KubeRay's view (the RayJob's jobDeploymentStatus and jobStatus) and the
 * runtime's (its history ConfigMap). The runtime knows first how its run ended, so its final
 * state wins; KubeRay knows about everything before the runtime runs and about deaths the runtime
 * cannot report (deadline, a killed head pod). A RayJob that names a Kueue queue and is suspended
 * is Queued: Kueue has not admitted it, or took the admission back (preemption).
 */
public final class PhaseObserver {

  private PhaseObserver() {}

  public static Observation observe(RayJob job, HistoryReading history, int totalRounds) {
    return observe(job, history, totalRounds, null);
  }

  /**
   * @param admission what Kueue says about the RayJob, for one that names a queue; null for
   *     others
   */
  public static Observation observe(RayJob job, HistoryReading history, int totalRounds,
      KueueAdmission admission) {
    Observation observed = phase(job, history, totalRounds, admission);
    return job != null && ManagedLabels.queued(job) && admission != null
        ? observed.withAdmission(admission) : observed;
  }

  private static Observation phase(RayJob job, HistoryReading history, int totalRounds,
      KueueAdmission admission) {
    if (history.state() == RunState.SUCCEEDED) {
      return new Observation(SimulationPhase.Succeeded, ConditionReason.Succeeded,
          "all " + totalRounds + " rounds completed");
    }
    if (history.state() == RunState.FAILED) {
      return new Observation(SimulationPhase.Failed, ConditionReason.RuntimeFailed,
          orDefault(history.message(), "the runtime reported a failure"));
    }
    if (job == null) {
      return new Observation(SimulationPhase.Pending, ConditionReason.RayJobPending,
          "waiting for the RayJob to be created");
    }
    RayJobStatus status = job.getStatus();
    String deployment = status == null ? null : status.jobDeploymentStatus;
    String jobStatus = status == null ? null : status.jobStatus;
    String rayMessage = status == null ? null : status.message;
    if (deployment == null || deployment.isEmpty()) {
      if (suspendedSpec(job)) {
        return suspended(job, admission);
      }
      if (runtimeRuns(history)) {
        return running(history);
      }
      return new Observation(SimulationPhase.Pending, ConditionReason.RayJobPending,
          "waiting for KubeRay to start the RayJob");
    }
    switch (deployment) {
      case RayJobStatus.DEPLOYMENT_COMPLETE:
        if (RayJobStatus.JOB_SUCCEEDED.equals(jobStatus)) {
          return new Observation(SimulationPhase.Succeeded, ConditionReason.Succeeded,
              "the Ray job succeeded");
        }
        return new Observation(SimulationPhase.Failed, ConditionReason.RayJobFailed,
            orDefault(rayMessage, "the Ray job ended with status " + jobStatus));
      case RayJobStatus.DEPLOYMENT_FAILED:
        // With a checkpoint the runtime leaves the run running when an attempt breaks, for
        // KubeRay to retry; once KubeRay gives up, what broke the last attempt is its message.
        String failed = orDefault(rayMessage, "KubeRay reports the RayJob failed");
        return new Observation(SimulationPhase.Failed, ConditionReason.RayJobFailed,
            history.state() == RunState.RUNNING && history.message() != null
                && !history.message().isBlank() ? failed + "; the runtime: " + history.message()
                : failed);
      case RayJobStatus.DEPLOYMENT_SUSPENDED:
      case RayJobStatus.DEPLOYMENT_SUSPENDING:
        if (ManagedLabels.queued(job) && !suspendedSpec(job)) {
          return new Observation(SimulationPhase.Provisioning, ConditionReason.ClusterProvisioning,
              "admitted by Kueue; KubeRay is resuming the RayJob (" + deployment + ")");
        }
        return suspended(job, admission);
      case RayJobStatus.DEPLOYMENT_RUNNING:
        return running(history);
      default:
        // Retrying, New, Initializing, Waiting and values of later KubeRay releases: the cluster
        // is on its way. After a failed attempt the recorded rounds are that attempt's, and
        // nothing runs until KubeRay's new cluster does.
        if (RayJobStatus.DEPLOYMENT_RETRYING.equals(deployment) || retried(status)) {
          return retrying(job, deployment);
        }
        // Rounds already recorded mean the runtime runs even if KubeRay has not said so.
        if (runtimeRuns(history)) {
          return running(history);
        }
        return new Observation(SimulationPhase.Provisioning, ConditionReason.ClusterProvisioning,
            "KubeRay is starting the Ray cluster (" + deployment + ")");
    }
  }

  /** Rounds recorded, or the runtime says it runs: it does, whatever KubeRay has said yet. */
  private static boolean runtimeRuns(HistoryReading history) {
    return !history.rounds().isEmpty() || history.state() == RunState.RUNNING;
  }

  private static Observation running(HistoryReading history) {
    int round = history.currentRound();
    String progress = round == 0 ? "the Ray job is running; no round completed yet"
        : "round " + round + " completed";
    // While running, the runtime's message says that it continued after an earlier attempt's
    // checkpoint, or started again from round 1. Until a new attempt (after a suspension, a
    // Kueue re-admission, a retry) writes, it is the earlier attempt's: one that broke with a
    // checkpoint says the run goes on after it, which is no restart from round 1.
    if (history.message() == null || history.message().isBlank()) {
      return new Observation(SimulationPhase.Running, ConditionReason.Running, progress);
    }
    ConditionReason reason = history.resumedFromRound() != null ? ConditionReason.Resumed
        : history.beganAgain() ? ConditionReason.Restarted : ConditionReason.Running;
    return new Observation(SimulationPhase.Running, reason, progress + "; " + history.message());
  }

  /** Whether KubeRay counted a failed attempt of the Ray job (spec.backoffLimit). */
  private static boolean retried(RayJobStatus status) {
    return status.failed != null && status.failed > 0;
  }

  /** KubeRay replaces the failed attempt's cluster to start the Ray job on a new one. */
  private static Observation retrying(RayJob job, String deployment) {
    RayJobStatus status = job.getStatus();
    StringBuilder message = new StringBuilder("the Ray job failed");
    if (status.failed != null) {
      message.append(" (attempt ").append(status.failed);
      if (job.getSpec().backoffLimit != null) {
        message.append(" of ").append(job.getSpec().backoffLimit + 1);
      }
      message.append(')');
    }
    if (status.message != null && !status.message.isBlank()) {
      message.append(": ").append(status.message);
    }
    message.append("; KubeRay starts it again on a new Ray cluster (").append(deployment)
        .append(')');
    return new Observation(SimulationPhase.Provisioning, ConditionReason.ClusterProvisioning,
        message.toString());
  }

  private static boolean suspendedSpec(RayJob job) {
    return job.getSpec() != null && Boolean.TRUE.equals(job.getSpec().suspend);
  }

  /** A suspended RayJob that names a queue waits for Kueue; others were suspended by the spec. */
  private static Observation suspended(RayJob job, KueueAdmission admission) {
    if (ManagedLabels.queued(job)) {
      KueueAdmission why = admission == null ? KueueAdmission.noWorkload() : admission;
      return new Observation(SimulationPhase.Queued, why.reason(), "queued in Kueue's "
          + job.getMetadata().getLabels().get(ManagedLabels.KUEUE_QUEUE_NAME) + ": "
          + why.message(), null);
    }
    return new Observation(SimulationPhase.Suspended, ConditionReason.Suspended,
        "the RayJob is suspended (spec.suspend)");
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}

package io.flowersim.operator.observer;

import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.kuberay.RayJobStatus;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap.RunState;
import io.flowersim.api.v1alpha1.status.SimulationPhase;

/**
 * The phase from KubeRay's view (the RayJob's jobDeploymentStatus and jobStatus) and the
 * runtime's (its history ConfigMap). The runtime knows first how its run ended, so its final
 * state wins; KubeRay knows about everything before the runtime runs and about deaths the runtime
 * cannot report (deadline, a killed head pod).
 */
public final class PhaseObserver {

  private PhaseObserver() {}

  public static Observation observe(RayJob job, HistoryReading history, int totalRounds) {
    if (history.state() == RunState.SUCCEEDED) {
      return new Observation(SimulationPhase.Succeeded, "Succeeded",
          "all " + totalRounds + " rounds completed");
    }
    if (history.state() == RunState.FAILED) {
      return new Observation(SimulationPhase.Failed, "RuntimeFailed",
          orDefault(history.message(), "the runtime reported a failure"));
    }
    if (job == null) {
      return new Observation(SimulationPhase.Pending, "RayJobPending",
          "waiting for the RayJob to be created");
    }
    RayJobStatus status = job.getStatus();
    String deployment = status == null ? null : status.jobDeploymentStatus;
    String jobStatus = status == null ? null : status.jobStatus;
    String rayMessage = status == null ? null : status.message;
    if (deployment == null || deployment.isEmpty()) {
      if (job.getSpec() != null && Boolean.TRUE.equals(job.getSpec().suspend)) {
        return suspended();
      }
      if (runtimeRuns(history)) {
        return running(history);
      }
      return new Observation(SimulationPhase.Pending, "RayJobPending",
          "waiting for KubeRay to start the RayJob");
    }
    switch (deployment) {
      case RayJobStatus.DEPLOYMENT_COMPLETE:
        if (RayJobStatus.JOB_SUCCEEDED.equals(jobStatus)) {
          return new Observation(SimulationPhase.Succeeded, "Succeeded",
              "the Ray job succeeded");
        }
        return new Observation(SimulationPhase.Failed, "RayJobFailed",
            orDefault(rayMessage, "the Ray job ended with status " + jobStatus));
      case RayJobStatus.DEPLOYMENT_FAILED:
        return new Observation(SimulationPhase.Failed, "RayJobFailed",
            orDefault(rayMessage, "KubeRay reports the RayJob failed"));
      case RayJobStatus.DEPLOYMENT_SUSPENDED:
      case RayJobStatus.DEPLOYMENT_SUSPENDING:
        return suspended();
      case RayJobStatus.DEPLOYMENT_RUNNING:
        return running(history);
      default:
        // Initializing, Waiting, Retrying and values of later KubeRay releases: the cluster is on
        // its way. Rounds already recorded mean the runtime runs even if KubeRay has not said so.
        if (runtimeRuns(history)) {
          return running(history);
        }
        return new Observation(SimulationPhase.Provisioning, "ClusterProvisioning",
            "KubeRay is starting the Ray cluster (" + deployment + ")");
    }
  }

  /** Rounds recorded, or the runtime says it runs: it does, whatever KubeRay has said yet. */
  private static boolean runtimeRuns(HistoryReading history) {
    return !history.rounds().isEmpty() || history.state() == RunState.RUNNING;
  }

  private static Observation running(HistoryReading history) {
    int round = history.currentRound();
    return new Observation(SimulationPhase.Running, "Running", round == 0
        ? "the Ray job is running; no round completed yet"
        : "round " + round + " completed");
  }

  private static Observation suspended() {
    return new Observation(SimulationPhase.Suspended, "Suspended",
        "the RayJob is suspended (spec.suspend or waiting for Kueue admission)");
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isBlank() ? fallback : value;
  }
}

package io.flowersim.api.kuberay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;

/** What a RayJob runs (the job's entrypoint) and on what (a RayCluster made for it). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RayJobSpec {

  /** The shell command of the Ray job; KubeRay's submitter runs it with ray job submit. */
  public String entrypoint;

  /** The cluster KubeRay creates for the job. */
  public RayClusterSpec rayClusterSpec;

  /** Delete the RayCluster once the job finished (after ttlSecondsAfterFinished). */
  public Boolean shutdownAfterJobFinishes;

  public Integer ttlSecondsAfterFinished;

  /** KubeRay fails the RayJob when it has not finished this long after it started. */
  public Integer activeDeadlineSeconds;

  /** A suspended RayJob has no cluster; Kueue unsuspends the RayJobs it admits. */
  public Boolean suspend;

  /**
   * How many times KubeRay retries a failed Ray job (not one past activeDeadlineSeconds), each
   * time on a new RayCluster; KubeRay's default is 0.
   */
  public Integer backoffLimit;

  /** The Kubernetes Job pod that submits the entrypoint; KubeRay's default when null. */
  public PodTemplateSpec submitterPodTemplate;
}

package io.flowersim.api.kuberay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What KubeRay reports about a RayJob. {@link #jobDeploymentStatus} follows the Kubernetes side
 * (Initializing, Running, Complete, Failed, Suspending, Suspended, Retrying, Waiting, ...);
 * {@link #jobStatus} the Ray job (PENDING, RUNNING, STOPPED, SUCCEEDED, FAILED). Strings, not
 * enums: a KubeRay release that adds a value must not make the RayJob unreadable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RayJobStatus {

  public static final String DEPLOYMENT_INITIALIZING = "Initializing";
  public static final String DEPLOYMENT_RUNNING = "Running";
  public static final String DEPLOYMENT_COMPLETE = "Complete";
  public static final String DEPLOYMENT_FAILED = "Failed";
  public static final String DEPLOYMENT_SUSPENDING = "Suspending";
  public static final String DEPLOYMENT_SUSPENDED = "Suspended";
  public static final String DEPLOYMENT_RETRYING = "Retrying";
  public static final String DEPLOYMENT_WAITING = "Waiting";

  public static final String JOB_RUNNING = "RUNNING";
  public static final String JOB_SUCCEEDED = "SUCCEEDED";
  public static final String JOB_FAILED = "FAILED";
  public static final String JOB_STOPPED = "STOPPED";

  public String jobDeploymentStatus;

  public String jobStatus;

  public String rayClusterName;

  public String message;

  /** When KubeRay started the job (RFC 3339). */
  public String startTime;

  /** When the job reached a terminal status (RFC 3339). */
  public String endTime;

  /** How many attempts of the Ray job failed (KubeRay counts them for spec.backoffLimit). */
  public Integer failed;
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.flowersim.api.v1alpha1.spec.DataSpec.ClaimReference;

/**
 * Checkpoints of a run, so that a run that stops (killed, suspended, preempted, its head pod lost)
 * continues from its last checkpointed round with the history of an uninterrupted run.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointSpec {

  public static final int DEFAULT_EVERY_ROUNDS = 1;

  /**
   * Where the head pod mounts the claim. Under /var, which spec.data.mountPath may not name, so
   * the two never overlap.
   */
  public static final String MOUNT_PATH = "/var/lib/flowersim/checkpoints";

  /**
   * How many times KubeRay starts the Ray job again, on a new Ray cluster, after it failed (its
   * head pod lost, say): the RayJob's backoffLimit when there is a claim.
   */
  public static final int RAY_JOB_RETRIES = 3;

  @Min(1)
  @JsonPropertyDescription("A checkpoint after every this many completed rounds, and after the "
      + "last round. Default 1. A resumed run repeats the rounds after the newest checkpoint.")
  public Integer everyRounds;

  @JsonPropertyDescription("Where the checkpoints are kept in the cluster: a claim in the "
      + "simulation's namespace, mounted read-write on the Ray head pod only (at " + MOUNT_PATH
      + "), where the runtime keeps NAMESPACE/NAME/checkpoints and NAMESPACE/NAME/history.json "
      + "(every round). A run that starts again (a lost head pod, which KubeRay retries on a new "
      + "Ray cluster up to " + RAY_JOB_RETRIES + " times; spec.suspend; a Kueue preemption) "
      + "continues after the newest checkpoint of the same spec, or fails naming the fields that "
      + "differ; with none it begins at round 1. A ReadWriteOnce volume will do. Without it the "
      + "cluster keeps no checkpoint and a restarted run begins again at round 1. flowersim run "
      + "ignores it.")
  public ClaimReference persistentVolumeClaim;

  public int everyRoundsOrDefault() {
    return everyRounds == null ? DEFAULT_EVERY_ROUNDS : everyRounds;
  }
}

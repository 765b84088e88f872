package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/** The KubeRay cluster of a simulation: a head and worker groups. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterSpec {

  /**
   * Most worker groups in a cluster. The bound also keeps the API server's cost estimate of the
   * uniqueness rule (quadratic in the list length) within its budget: without maxItems the API
   * server estimates the list at millions of items and refuses the CRD as too expensive.
   */
  public static final int MAX_WORKER_GROUPS = 32;

  @JsonPropertyDescription("The Ray head pod, which also runs the simulation server.")
  public HeadGroupSpec head;

  @Size(max = MAX_WORKER_GROUPS)
  @ValidationRule(value = "self.all(g, self.exists_one(h, h.name == g.name))",
      message = "spec.cluster.workerGroups names must be unique")
  @JsonPropertyDescription("Ray worker groups (e.g. one per GPU type), at most 32; names must be "
      + "unique.")
  public List<WorkerGroupSpec> workerGroups = new ArrayList<>();
}

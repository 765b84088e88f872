package io.flowersim.api.kuberay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/** KubeRay's RayCluster spec: one head group and any number of worker groups. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RayClusterSpec {

  /** The Ray version of the image; KubeRay uses it to pick compatible behaviour. */
  public String rayVersion;

  public RayHeadGroupSpec headGroupSpec;

  public List<RayWorkerGroupSpec> workerGroupSpecs = new ArrayList<>();
}

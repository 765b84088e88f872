package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Resources and placement of the Ray head pod (KubeRay's job submitter goes with it). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HeadGroupSpec {

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("CPUs of the head pod (> 0).")
  public Double cpus;

  @JsonPropertyDescription("Memory of the head pod, e.g. 8Gi.")
  public Quantity memory;

  @JsonPropertyDescription("Node labels the head pod and the job submitter pod must match.")
  public Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription("Tolerations of the head pod and the job submitter pod.")
  public List<Toleration> tolerations = new ArrayList<>();
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One Ray worker group: identical pods, e.g. on one GPU product. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.minReplicas) || !has(self.maxReplicas) "
    + "|| self.minReplicas <= self.maxReplicas",
    message = "minReplicas must not exceed maxReplicas",
    fieldPath = ".minReplicas")
@ValidationRule(value = "!has(self.replicas) || !has(self.minReplicas) "
    + "|| self.replicas >= self.minReplicas",
    message = "replicas must be at least minReplicas",
    fieldPath = ".replicas")
@ValidationRule(value = "!has(self.replicas) || !has(self.maxReplicas) "
    + "|| self.replicas <= self.maxReplicas",
    message = "replicas must not exceed maxReplicas",
    fieldPath = ".replicas")
public class WorkerGroupSpec {

  /** Most characters in a group name; KubeRay derives pod names from it. */
  public static final int NAME_MAX_LENGTH = 30;

  /** A DNS label of at most {@link #NAME_MAX_LENGTH} characters. */
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]{0,28}[a-z0-9])?$";

  @Required
  @Pattern(NAME_PATTERN)
  @Size(max = NAME_MAX_LENGTH)
  @JsonPropertyDescription("Group name: lowercase letters, digits and '-', at most 30 characters.")
  public String name;

  @Min(0)
  @JsonPropertyDescription("Pods at start, within [minReplicas, maxReplicas]. Default 1.")
  public Integer replicas;

  @Min(0)
  @JsonPropertyDescription("Fewest pods the autoscaler keeps.")
  public Integer minReplicas;

  @Min(0)
  @JsonPropertyDescription("Most pods the autoscaler makes.")
  public Integer maxReplicas;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("CPUs per pod (> 0), also Ray's num-cpus.")
  public Double cpus;

  @Min(0)
  @JsonPropertyDescription("GPUs per pod (whole GPUs, nvidia.com/gpu), also Ray's num-gpus.")
  public Integer gpus;

  @JsonPropertyDescription("Memory per pod, e.g. 32Gi.")
  public Quantity memory;

  @JsonPropertyDescription("Node labels the pods must match, e.g. nvidia.com/gpu.product.")
  public Map<String, String> nodeSelector = new LinkedHashMap<>();

  @JsonPropertyDescription("Tolerations of the pods, e.g. for tainted GPU nodes.")
  public List<Toleration> tolerations = new ArrayList<>();
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Quantity;

/** Resources of the Ray head pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HeadGroupSpec {

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("CPUs of the head pod (> 0).")
  public Double cpus;

  @JsonPropertyDescription("Memory of the head pod, e.g. 8Gi.")
  public Quantity memory;
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;

/** What one virtual client reserves while it runs (Flower's client_resources). */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.gpus) || self.gpus <= 1.0 "
    + "|| double(int(self.gpus)) == self.gpus",
    message = "spec.clients.resources.gpus above 1 must be a whole number (Ray allows fractional "
        + "GPUs only below 1)",
    fieldPath = ".gpus")
public class ClientResources {

  public static final double DEFAULT_CPUS = 1.0;

  /** Ray counts fractional resources in multiples of 1/10000; a smaller share does not exist. */
  public static final double MIN_SHARE = 0.0001;

  @Min(MIN_SHARE)
  @JsonPropertyDescription("CPUs per client, may be fractional (at least 0.0001, Ray's smallest "
      + "share). Default 1.")
  public Double cpus;

  @Min(0)
  @JsonPropertyDescription("GPUs per client: 0, or at least 0.0001 (Ray's smallest share), "
      + "fractional only below 1 (Ray's rule): 0.25 puts four clients on one GPU, 2 gives a client "
      + "two GPUs. Default 0.")
  public Double gpus;

  @JsonPropertyDescription("Memory per client, a Kubernetes quantity such as 2Gi.")
  public Quantity memory;

  @JsonPropertyDescription("GPU memory per client, a quantity such as 10Gi; used to pack clients on "
      + "GPUs by memory.")
  public Quantity gpuMemory;

  public double cpusOrDefault() {
    return cpus == null ? DEFAULT_CPUS : cpus;
  }

  public double gpusOrDefault() {
    return gpus == null ? 0.0 : gpus;
  }
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/** The client population of a simulation. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClientsSpec {

  @Required
  @Min(1)
  @JsonPropertyDescription("Number of virtual clients (at least 1). Clients exist only while they "
      + "run, so millions are fine.")
  public Integer count;

  @JsonPropertyDescription("Resources each virtual client gets while it runs; they set how many run "
      + "at once. Default 1 CPU, no GPU.")
  public ClientResources resources;

  @JsonPropertyDescription("How the task's data is split among the clients. Default iid.")
  public PartitioningSpec partitioning;

  @Min(0)
  @Max(value = 1, inclusive = false)
  @JsonPropertyDescription("Probability, in [0, 1), that a sampled client drops out of a round "
      + "(fit or evaluate) without reporting; it counts as a failure of that round. Seeded by "
      + "spec.seed, so the same clients drop out every run. Default 0.")
  public Double dropoutRate;

  public ClientResources resourcesOrDefault() {
    return resources == null ? new ClientResources() : resources;
  }

  public double dropoutRateOrDefault() {
    return dropoutRate == null ? 0.0 : dropoutRate;
  }

  public PartitioningSpec partitioningOrDefault() {
    return partitioning == null ? new PartitioningSpec() : partitioning;
  }
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
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

  public ClientResources resourcesOrDefault() {
    return resources == null ? new ClientResources() : resources;
  }

  public PartitioningSpec partitioningOrDefault() {
    return partitioning == null ? new PartitioningSpec() : partitioning;
  }
}

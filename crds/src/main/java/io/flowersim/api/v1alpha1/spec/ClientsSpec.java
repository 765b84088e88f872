package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

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

  /**
   * Most client groups. The bound also keeps the API server's cost estimate of the uniqueness rule
   * (quadratic in the list length) within its budget.
   */
  public static final int MAX_GROUPS = 32;

  @Size(max = MAX_GROUPS)
  @ValidationRule(value = "self.all(g, self.exists_one(h, h.name == g.name))",
      message = "spec.clients.groups names must be unique")
  @JsonPropertyDescription("Client groups with their own resources, drop-out rate and worker "
      + "group (at most 32; their counts add up to count). Without groups every client is alike.")
  public List<ClientGroupSpec> groups;

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

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * Some of the clients with resources, availability and placement of their own: system
 * heterogeneity (phones and laptops), which Flower cannot express. The groups' clients are
 * consecutive ids in the order of spec.clients.groups.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClientGroupSpec {

  @Required
  @Pattern(WorkerGroupSpec.NAME_PATTERN)
  @Size(max = WorkerGroupSpec.NAME_MAX_LENGTH)
  @JsonPropertyDescription("Group name: lowercase letters, digits and '-', at most 30 characters; "
      + "unique among the groups. Round records count the group's clients under it.")
  public String name;

  @Required
  @Min(1)
  @JsonPropertyDescription("Clients in this group (at least 1); the groups' counts add up to "
      + "spec.clients.count.")
  public Integer count;

  @JsonPropertyDescription("What each client of this group reserves while it runs; default "
      + "spec.clients.resources.")
  public ClientResources resources;

  @Min(0)
  @Max(value = 1, inclusive = false)
  @JsonPropertyDescription("Probability, in [0, 1), that a sampled client of this group drops out "
      + "of a round; default spec.clients.dropoutRate.")
  public Double dropoutRate;

  @Pattern(WorkerGroupSpec.NAME_PATTERN)
  @Size(max = WorkerGroupSpec.NAME_MAX_LENGTH)
  @JsonPropertyDescription("In the cluster, the spec.cluster.workerGroups entry whose pods alone "
      + "run this group's clients (set on all groups or on none); with --backend ray the nodes "
      + "that offer its Ray resource. flowersim run's local backend runs every group on this "
      + "machine.")
  public String workerGroup;
}

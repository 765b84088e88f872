package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/** How a task's dataset is split among the clients. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PartitioningSpec {

  @JsonPropertyDescription("iid (uniform), dirichlet (label skew set by alpha) or shard (each client "
      + "holds a few labels). Default iid.")
  public PartitioningType type;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Dirichlet concentration (> 0); smaller is more skewed. Default 0.5.")
  public Double alpha;

  @JsonPropertyDescription("Seed of the partitioning; the same seed gives every client the same data. "
      + "Default 42.")
  public Long seed;

  @Min(1)
  @JsonPropertyDescription("For shard: labels per client. Default 2.")
  public Integer shardsPerClient;

  public PartitioningType typeOrDefault() {
    return type == null ? PartitioningType.IID : type;
  }

  public double alphaOrDefault() {
    return alpha == null ? 0.5 : alpha;
  }

  public long seedOrDefault() {
    return seed == null ? 42L : seed;
  }

  public int shardsPerClientOrDefault() {
    return shardsPerClient == null ? 2 : shardsPerClient;
  }
}

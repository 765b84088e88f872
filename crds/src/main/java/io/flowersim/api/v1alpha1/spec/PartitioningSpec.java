package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.List;

/** How a task's dataset is split among the clients. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PartitioningSpec {

  @JsonPropertyDescription("iid (uniform), dirichlet (label skew set by alpha), shard (each client "
      + "holds a few labels), or flwr-datasets' pathological (exactly classesPerClient labels "
      + "each), inner-dirichlet (partitionSizes, labels from Dir(alpha)), linear, square, "
      + "exponential (sizes growing as i, i^2, e^i), size (partitionSizes) and natural-id (one "
      + "client per id of the data's id column). Default iid.")
  public PartitioningType type;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("dirichlet, inner-dirichlet: concentration (> 0); smaller is more "
      + "skewed. Default 0.5.")
  public Double alpha;

  @JsonPropertyDescription("Seed of the partitioning; the same seed gives every client the same data. "
      + "Default 42.")
  public Long seed;

  @Min(1)
  @JsonPropertyDescription("For shard: labels per client. Default 2.")
  public Integer shardsPerClient;

  @Min(1)
  @JsonPropertyDescription("pathological: labels per client (>= 1, at most the data's); required.")
  public Integer classesPerClient;

  @JsonPropertyDescription("pathological: how each client's labels are picked: random, "
      + "deterministic (i, i+1, ... for client i) or first-deterministic (i, then random). "
      + "Default random.")
  public ClassAssignment classAssignment;

  @Size(max = 100_000)
  @JsonPropertyDescription("inner-dirichlet, size: examples of each client, one per client "
      + "(spec.clients.count of them, each >= 1); required.")
  public List<Integer> partitionSizes;

  public PartitioningType typeOrDefault() {
    return type == null ? PartitioningType.IID : type;
  }

  public double alphaOrDefault() {
    return alpha == null ? 0.5 : alpha;
  }

  public long seedOrDefault() {
    return seed == null ? 42L : seed;
  }

  public ClassAssignment classAssignmentOrDefault() {
    return classAssignment == null ? ClassAssignment.RANDOM : classAssignment;
  }

  /** partitionSizes as an array; empty when not set. */
  public int[] partitionSizesArray() {
    return partitionSizes == null ? new int[0]
        : partitionSizes.stream().mapToInt(v -> v == null ? -1 : v).toArray();
  }

  public int shardsPerClientOrDefault() {
    return shardsPerClient == null ? 2 : shardsPerClient;
  }
}

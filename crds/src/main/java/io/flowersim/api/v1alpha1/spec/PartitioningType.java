package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The partitioners, by flwr-datasets' names (shard is flowersim's own label-shard split). */
public enum PartitioningType {
  @JsonProperty("iid")
  IID,
  @JsonProperty("dirichlet")
  DIRICHLET,
  @JsonProperty("shard")
  SHARD,
  @JsonProperty("pathological")
  PATHOLOGICAL,
  @JsonProperty("inner-dirichlet")
  INNER_DIRICHLET,
  @JsonProperty("linear")
  LINEAR,
  @JsonProperty("square")
  SQUARE,
  @JsonProperty("exponential")
  EXPONENTIAL,
  @JsonProperty("size")
  SIZE,
  @JsonProperty("natural-id")
  NATURAL_ID;

  /** Whether spec.clients.partitioning.partitionSizes sets the sizes. */
  public boolean takesPartitionSizes() {
    return this == INNER_DIRICHLET || this == SIZE;
  }

  /** Whether the sizes grow by the partition's number (linear, square, exponential). */
  public boolean sizesByRule() {
    return this == LINEAR || this == SQUARE || this == EXPONENTIAL;
  }

  /** The name in YAML. */
  @Override
  public String toString() {
    return name().toLowerCase().replace('_', '-');
  }
}

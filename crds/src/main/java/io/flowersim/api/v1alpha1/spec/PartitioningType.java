package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum PartitioningType {
  @JsonProperty("iid")
  IID,
  @JsonProperty("dirichlet")
  DIRICHLET,
  @JsonProperty("shard")
  SHARD
}

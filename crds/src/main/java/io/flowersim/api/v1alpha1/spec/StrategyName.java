package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The strategies the runtime implements. An enum so that the API server, the CLI and the operator
 * refuse an unknown name the same way, listing what is allowed.
 */
public enum StrategyName {
  @JsonProperty("FedAvg")
  FED_AVG
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The strategies the runtime implements, under Flower's class names. An enum so that the API
 * server, the CLI and the operator refuse an unknown name the same way, listing what is allowed.
 * Differential privacy is not a name here: it wraps any of them ({@link StrategySpec#differentialPrivacy}).
 */
public enum StrategyName {
  @JsonProperty("FedAvg")
  FED_AVG("FedAvg"),
  @JsonProperty("FedProx")
  FED_PROX("FedProx"),
  @JsonProperty("FedAvgM")
  FED_AVG_M("FedAvgM"),
  @JsonProperty("FedAdagrad")
  FED_ADAGRAD("FedAdagrad"),
  @JsonProperty("FedAdam")
  FED_ADAM("FedAdam"),
  @JsonProperty("FedYogi")
  FED_YOGI("FedYogi"),
  @JsonProperty("FedMedian")
  FED_MEDIAN("FedMedian"),
  @JsonProperty("FedTrimmedAvg")
  FED_TRIMMED_AVG("FedTrimmedAvg"),
  @JsonProperty("Krum")
  KRUM("Krum"),
  @JsonProperty("MultiKrum")
  MULTI_KRUM("MultiKrum"),
  @JsonProperty("Bulyan")
  BULYAN("Bulyan");

  private final String jsonName;

  StrategyName(String jsonName) {
    this.jsonName = jsonName;
  }

  /** The name as written in YAML, e.g. FedAdam. */
  public String jsonName() {
    return jsonName;
  }

  @Override
  public String toString() {
    return jsonName;
  }
}

package io.flowersim.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** A Kubernetes-style condition; lastTransitionTime changes only when status flips. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "status", "reason", "message", "lastTransitionTime", "observedGeneration"})
public class Condition {

  @JsonPropertyDescription("Condition type, e.g. Validated, Ready.")
  public String type;

  @JsonPropertyDescription("True, False or Unknown.")
  public String status;

  @JsonPropertyDescription("One CamelCase word for machines.")
  public String reason;

  @JsonPropertyDescription("A sentence for people.")
  public String message;

  @JsonPropertyDescription("When status last changed, UTC ISO-8601.")
  public String lastTransitionTime;

  @JsonPropertyDescription("The metadata.generation this condition was computed for.")
  public Long observedGeneration;
}

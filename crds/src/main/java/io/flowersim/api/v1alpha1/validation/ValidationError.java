package io.flowersim.api.v1alpha1.validation;

/**
 * One problem with a FlowerSimulation.
 *
 * @param field the path of the field, as in the YAML, e.g. {@code spec.strategy.fractionFit} or
 *     {@code spec.cluster.workerGroups[1].name}
 * @param message what the field allows and what it holds, e.g. {@code must be in (0, 1], got 1.5}
 */
public record ValidationError(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the pathological partitioner picks each client's labels (flwr-datasets'
 * class_assignment_mode): random (k distinct at random), deterministic (labels i, i+1, ...,
 * modulo the labels, for client i), first-deterministic (label i modulo the labels, the others
 * at random: McMahan et al.'s setup, where every label is used once there are as many clients).
 */
public enum ClassAssignment {
  @JsonProperty("random")
  RANDOM,
  @JsonProperty("deterministic")
  DETERMINISTIC,
  @JsonProperty("first-deterministic")
  FIRST_DETERMINISTIC
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a run does when a round's loss is NaN or infinite (spec.onDivergence). */
public enum OnDivergence {
  /** The run fails with "diverged at round N"; the rounds so far are kept. */
  @JsonProperty("Stop")
  STOP,
  /** The round is recorded (the loss as null, named in nonFinite) and the run goes on. */
  @JsonProperty("Continue")
  CONTINUE
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How the clipping norm of differential privacy is chosen: given (Flower's *FixedClipping) or
 * adapted every round towards a quantile of the update norms (Andrew et al., Flower's
 * *AdaptiveClipping).
 */
public enum DifferentialPrivacyClipping {
  @JsonProperty("fixed")
  FIXED,
  @JsonProperty("adaptive")
  ADAPTIVE
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;

/**
 * Central differential privacy with fixed clipping on the server (Flower's
 * DifferentialPrivacyServerSideFixedClipping): each client's update is clipped to
 * {@link #clippingNorm}, the wrapped strategy aggregates, and Gaussian noise with standard deviation
 * noiseMultiplier * clippingNorm / numSampledClients is added to the result.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DifferentialPrivacySpec {

  @Required
  @Min(0)
  @JsonPropertyDescription("Noise multiplier of the Gaussian mechanism (>= 0); 1 or more for strong "
      + "privacy.")
  public Double noiseMultiplier;

  @Required
  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("L2 norm (> 0) to which each client's update (its parameters minus the "
      + "global ones) is clipped.")
  public Double clippingNorm;

  @Min(1)
  @JsonPropertyDescription("Clients sampled per round, the noise's divisor (>= 1, at most "
      + "clients.count). Default: the strategy's fit sample size, max(int(clients.count * "
      + "fractionFit), minFitClients).")
  public Integer numSampledClients;
}

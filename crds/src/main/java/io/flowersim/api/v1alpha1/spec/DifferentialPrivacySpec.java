package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Central differential privacy around the strategy, as Flower's four wrappers: each client's
 * update (its parameters minus the global ones) is clipped to an L2 norm, on the server or on the
 * client ({@link #side}), the wrapped strategy aggregates, and Gaussian noise with standard
 * deviation noiseMultiplier * clippingNorm / numSampledClients is added to the result. The norm
 * is given ({@link DifferentialPrivacyClipping#FIXED}) or adapted each round
 * ({@link DifferentialPrivacyClipping#ADAPTIVE}, Andrew et al.).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.clippingNorm) || (has(self.clipping) && self.clipping == 'adaptive')",
    message = "spec.strategy.differentialPrivacy.clippingNorm is required for fixed clipping",
    fieldPath = ".clippingNorm")
@ValidationRule(value = "(has(self.clipping) && self.clipping == 'adaptive') || "
    + "!(has(self.targetClippedQuantile) || has(self.clipNormLearningRate) "
    + "|| has(self.clippedCountStddev))",
    message = "spec.strategy.differentialPrivacy: targetClippedQuantile, clipNormLearningRate and "
        + "clippedCountStddev apply only to clipping: adaptive")
public class DifferentialPrivacySpec {

  /** Flower's initial_clipping_norm, Andrew et al.'s recommendation. */
  public static final double DEFAULT_INITIAL_CLIPPING_NORM = 0.1;
  public static final double DEFAULT_TARGET_CLIPPED_QUANTILE = 0.5;
  public static final double DEFAULT_CLIP_NORM_LEARNING_RATE = 0.2;

  @Required
  @Min(0)
  @JsonPropertyDescription("Noise multiplier of the Gaussian mechanism (>= 0); 1 or more for strong "
      + "privacy.")
  public Double noiseMultiplier;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("L2 norm (> 0) to which each client's update (its parameters minus the "
      + "global ones) is clipped; required for fixed clipping. With adaptive clipping its "
      + "starting value, default 0.1.")
  public Double clippingNorm;

  @Min(1)
  @JsonPropertyDescription("Clients sampled per round, the noise's divisor (>= 1, at most "
      + "clients.count). Default: the strategy's fit sample size, max(int(clients.count * "
      + "fractionFit), minFitClients).")
  public Integer numSampledClients;

  @JsonPropertyDescription("fixed (clippingNorm as given) or adaptive (the norm follows "
      + "targetClippedQuantile of the update norms, Andrew et al.). Default fixed.")
  public DifferentialPrivacyClipping clipping;

  @JsonPropertyDescription("Where updates are clipped: server (before aggregation) or client (in "
      + "the client, before its update leaves it; spec.task only). Default server.")
  public DifferentialPrivacySide side;

  @Min(0)
  @Max(1)
  @JsonPropertyDescription("Adaptive clipping: the fraction of updates the norm should leave "
      + "unclipped, in [0, 1]. Default 0.5.")
  public Double targetClippedQuantile;

  @Min(value = 0, inclusive = false)
  @JsonPropertyDescription("Adaptive clipping: learning rate (> 0) of the norm's geometric update "
      + "norm * exp(-rate * (unclipped fraction - targetClippedQuantile)). Default 0.2.")
  public Double clipNormLearningRate;

  @Min(0)
  @JsonPropertyDescription("Adaptive clipping: standard deviation (>= 0) of the noise on the count "
      + "of unclipped updates. Default numSampledClients / 20 when noiseMultiplier > 0, else 0.")
  public Double clippedCountStddev;

  public DifferentialPrivacyClipping clippingOrDefault() {
    return clipping == null ? DifferentialPrivacyClipping.FIXED : clipping;
  }

  public DifferentialPrivacySide sideOrDefault() {
    return side == null ? DifferentialPrivacySide.SERVER : side;
  }
}

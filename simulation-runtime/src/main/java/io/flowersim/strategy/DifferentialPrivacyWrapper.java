package io.flowersim.strategy;

import io.flowersim.client.ClientInstruction;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Flower's four central-DP wrappers share, by delegation to the wrapped strategy: the round's
 * global parameters, the Gaussian noise on the aggregate (standard deviation
 * noiseMultiplier * clippingNorm / numSampledClients) from a seeded generator whose position a
 * checkpoint keeps, and the fit metrics {@value #NOISE_STDDEV} and {@value #CLIPPING_NORM} that
 * report them every round. As in Flower, a round with any failed client is not aggregated: the
 * noise is calibrated to numSampledClients contributions.
 */
public abstract class DifferentialPrivacyWrapper implements Strategy {

  private static final Logger LOG = LoggerFactory.getLogger(DifferentialPrivacyWrapper.class);

  /** The fit metric that carries the noise's standard deviation. */
  public static final String NOISE_STDDEV = "dp_noise_stddev";

  /** The fit metric that carries the clipping norm the round's updates were clipped to. */
  public static final String CLIPPING_NORM = "dp_clipping_norm";

  protected final Strategy strategy;
  protected final int numSampledClients;
  private ResumableRandom random;
  private Parameters currentRoundParameters;

  protected DifferentialPrivacyWrapper(Strategy strategy, double noiseMultiplier,
      int numSampledClients, long seed) {
    if (!(noiseMultiplier >= 0 && Double.isFinite(noiseMultiplier))) {
      throw new IllegalArgumentException("noiseMultiplier must be >= 0, got " + noiseMultiplier);
    }
    if (numSampledClients < 1) {
      throw new IllegalArgumentException("numSampledClients must be >= 1, got "
          + numSampledClients);
    }
    this.strategy = strategy;
    this.numSampledClients = numSampledClients;
    this.random = ResumableRandom.seeded(seed);
  }

  static double requireClippingNorm(double clippingNorm) {
    if (!(clippingNorm > 0 && Double.isFinite(clippingNorm))) {
      throw new IllegalArgumentException("clippingNorm must be > 0, got " + clippingNorm);
    }
    return clippingNorm;
  }

  /** The generator of the noise (and of adaptive clipping's count noise). */
  protected ResumableRandom random() {
    return random;
  }

  /** The global parameters of the round being aggregated. */
  protected Parameters currentRoundParameters() {
    if (currentRoundParameters == null) {
      throw new IllegalStateException("call configureFit before aggregateFit: clipping needs the "
          + "round's global parameters");
    }
    return currentRoundParameters;
  }

  @Override
  public Optional<Parameters> initializeParameters() {
    return strategy.initializeParameters();
  }

  @Override
  public List<ClientInstruction> configureFit(int round, Parameters parameters,
      ClientManager clients) {
    currentRoundParameters = parameters;
    return strategy.configureFit(round, parameters, clients);
  }

  @Override
  public Parameters fitParameters(int round, Parameters global) {
    return strategy.fitParameters(round, global);
  }

  @Override
  public final FitAggregate aggregateFit(int round, RoundResults<FitResult> results) {
    if (!results.failures().isEmpty() || results.results().isEmpty()) {
      return FitAggregate.none();
    }
    if (results.results().size() != numSampledClients) {
      LOG.warn("round {}: {} clients reported but numSampledClients is {}; the DP noise is "
          + "calibrated to {}", round, results.results().size(), numSampledClients,
          numSampledClients);
    }
    return aggregateWithPrivacy(round, results);
  }

  /** A round where every sampled client reported: clip (or check), aggregate, noise. */
  protected abstract FitAggregate aggregateWithPrivacy(int round,
      RoundResults<FitResult> results);

  /**
   * The aggregate plus the noise of {@code noiseMultiplier} at {@code clippingNorm}, its metrics
   * plus {@value #NOISE_STDDEV} and {@value #CLIPPING_NORM} ({@code clippedTo}, the norm the
   * round's updates were clipped to).
   */
  protected FitAggregate noised(FitAggregate aggregate, double noiseMultiplier,
      double clippingNorm, double clippedTo) {
    if (aggregate.parameters().isEmpty()) {
      return aggregate;
    }
    double stddev = Aggregation.dpNoiseStddev(noiseMultiplier, clippingNorm, numSampledClients);
    Parameters noisy = Aggregation.addGaussianNoise(aggregate.parameters().get(), stddev, random);
    Map<String, Double> metrics = new HashMap<>(aggregate.metrics());
    metrics.put(NOISE_STDDEV, stddev);
    metrics.put(CLIPPING_NORM, clippedTo);
    return new FitAggregate(Optional.of(noisy), metrics);
  }

  @Override
  public List<ClientInstruction> configureEvaluate(int round, Parameters parameters,
      ClientManager clients) {
    return strategy.configureEvaluate(round, parameters, clients);
  }

  @Override
  public EvaluateAggregate aggregateEvaluate(int round, RoundResults<EvaluateResult> results) {
    return strategy.aggregateEvaluate(round, results);
  }

  @Override
  public Optional<EvaluateResult> evaluate(int round, Parameters parameters) {
    return strategy.evaluate(round, parameters);
  }

  /** The noise generator's position, the wrapper's own state and the wrapped strategy's. */
  @Override
  public StrategyState saveState() {
    return saveOwnState(StrategyState.empty().put("noisePosition", random.position())
        .put("strategy", strategy.saveState()));
  }

  @Override
  public void restoreState(StrategyState state) {
    random = ResumableRandom.at(state.longValue("noisePosition"));
    restoreOwnState(state);
    strategy.restoreState(state.nested("strategy"));
  }

  /** What a wrapper keeps besides the noise position (adaptive clipping: the norm). */
  protected StrategyState saveOwnState(StrategyState state) {
    return state;
  }

  protected void restoreOwnState(StrategyState state) {}

  @Override
  public boolean acceptFailures() {
    return strategy.acceptFailures();
  }
}

package io.flowersim.strategy;

import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
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
 * Flower's DifferentialPrivacyServerSideFixedClipping: central differential privacy around any
 * strategy, by delegation. Before the wrapped strategy aggregates, each client's update (its
 * parameters minus the round's global ones) is clipped to L2 norm {@code clippingNorm}; after, the
 * aggregate gets Gaussian noise with standard deviation
 * noiseMultiplier * clippingNorm / numSampledClients, drawn from a seeded generator so that a run
 * can be repeated. The standard deviation used is reported as fit metric {@value #NOISE_STDDEV}.
 *
 * <p>As in Flower, a round with any failed client is not aggregated (the noise is calibrated to
 * numSampledClients contributions).
 */
public final class DifferentialPrivacyServerSideFixedClipping implements Strategy {

  private static final Logger LOG =
      LoggerFactory.getLogger(DifferentialPrivacyServerSideFixedClipping.class);

  /** The fit metric that carries the noise's standard deviation. */
  public static final String NOISE_STDDEV = "dp_noise_stddev";

  private final Strategy strategy;
  private final double noiseMultiplier;
  private final double clippingNorm;
  private final int numSampledClients;
  private ResumableRandom random;
  private Parameters currentRoundParameters;

  public DifferentialPrivacyServerSideFixedClipping(Strategy strategy, double noiseMultiplier,
      double clippingNorm, int numSampledClients, long seed) {
    if (!(noiseMultiplier >= 0 && Double.isFinite(noiseMultiplier))) {
      throw new IllegalArgumentException("noiseMultiplier must be >= 0, got " + noiseMultiplier);
    }
    if (!(clippingNorm > 0 && Double.isFinite(clippingNorm))) {
      throw new IllegalArgumentException("clippingNorm must be > 0, got " + clippingNorm);
    }
    if (numSampledClients < 1) {
      throw new IllegalArgumentException("numSampledClients must be >= 1, got "
          + numSampledClients);
    }
    this.strategy = strategy;
    this.noiseMultiplier = noiseMultiplier;
    this.clippingNorm = clippingNorm;
    this.numSampledClients = numSampledClients;
    this.random = ResumableRandom.seeded(seed);
  }

  /** The standard deviation of the noise added to each aggregate. */
  public double noiseStddev() {
    return Aggregation.dpNoiseStddev(noiseMultiplier, clippingNorm, numSampledClients);
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
  public FitAggregate aggregateFit(int round, RoundResults<FitResult> results) {
    if (!results.failures().isEmpty() || results.results().isEmpty()) {
      return FitAggregate.none();
    }
    if (currentRoundParameters == null) {
      throw new IllegalStateException("call configureFit before aggregateFit: clipping needs the "
          + "round's global parameters");
    }
    if (results.results().size() != numSampledClients) {
      LOG.warn("round {}: {} clients reported but numSampledClients is {}; the DP noise is "
          + "calibrated to {}", round, results.results().size(), numSampledClients,
          numSampledClients);
    }
    List<ClientResult<FitResult>> clipped = results.results().stream()
        .map(r -> new ClientResult<>(r.clientId(), new FitResult(
            Aggregation.clipUpdate(r.result().parameters(), currentRoundParameters, clippingNorm),
            r.result().numExamples(), r.result().metrics())))
        .toList();
    FitAggregate aggregate = strategy.aggregateFit(round,
        new RoundResults<>(clipped, results.failures()));
    if (aggregate.parameters().isEmpty()) {
      return aggregate;
    }
    double stddev = noiseStddev();
    Parameters noisy = Aggregation.addGaussianNoise(aggregate.parameters().get(), stddev, random);
    Map<String, Double> metrics = new HashMap<>(aggregate.metrics());
    metrics.put(NOISE_STDDEV, stddev);
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

  /** The noise generator's position and the wrapped strategy's own state. */
  @Override
  public StrategyState saveState() {
    return StrategyState.empty().put("noisePosition", random.position())
        .put("strategy", strategy.saveState());
  }

  @Override
  public void restoreState(StrategyState state) {
    random = ResumableRandom.at(state.longValue("noisePosition"));
    strategy.restoreState(state.nested("strategy"));
  }

  @Override
  public boolean acceptFailures() {
    return strategy.acceptFailures();
  }

  /** Clips each update before the wrapped strategy sees it, so it needs every one. */
  @Override
  public boolean aggregatesMeanOfUpdates() {
    return false;
  }

  @Override
  public String toString() {
    return "DifferentialPrivacyServerSideFixedClipping(noiseMultiplier=" + noiseMultiplier
        + ", clippingNorm=" + clippingNorm + ", numSampledClients=" + numSampledClients + ") of "
        + strategy;
  }
}

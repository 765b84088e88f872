package io.flowersim.strategy;

import static io.flowersim.strategy.StrategyTesting.fit;
import static io.flowersim.strategy.StrategyTesting.p;
import static io.flowersim.strategy.StrategyTesting.results;
import static io.flowersim.strategy.StrategyTesting.round;
import static io.flowersim.strategy.StrategyTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * FedAdagrad, FedAdam and FedYogi over two rounds against Flower's fedadagrad.py, fedadam.py and
 * fedyogi.py. The expected values come from this numpy-free Python, which follows those files:
 *
 * <pre>
 * x = [1.0, -2.0, 0.5]; m = v = [0, 0, 0]
 * round 1: clients [2,-1,0.5] (1 example), [1,-3,0] (3) -> avg [1.25,-2.5,0.125]
 * round 2: clients [1,-1,1] (1), [1,-1,1] (1)           -> avg [1,-1,1]
 * each round: d = avg - x; m = b1*m + (1-b1)*d; v = rule(v, d)
 *             eta_t = eta (FedAdam: eta*sqrt(1-b2**(t+1))/(1-b1**(t+1))); x = x + eta_t*m/(sqrt(v)+tau)
 * </pre>
 */
class FedOptTest {

  private static final Parameters X0 = p(1.0f, -2.0f, 0.5f);

  private static RoundResults<FitResult> round1() {
    return results(fit(1, 2.0f, -1.0f, 0.5f), fit(3, 1.0f, -3.0f, 0.0f));
  }

  private static RoundResults<FitResult> round2() {
    return results(fit(1, 1, -1, 1), fit(1, 1, -1, 1));
  }

  /** Two rounds; the server adopts each round's result as the next global parameters. */
  private static List<float[]> twoRounds(Strategy strategy) {
    return twoRounds(strategy, UnaryOperator.identity());
  }

  /** As {@link #twoRounds(Strategy)}, with each round's results delivered through {@code engine}. */
  private static List<float[]> twoRounds(Strategy strategy,
      UnaryOperator<RoundResults<FitResult>> engine) {
    FitAggregate first = round(strategy, 1, X0, engine.apply(round1()));
    FitAggregate second = round(strategy, 2, first.parameters().orElseThrow(),
        engine.apply(round2()));
    return List.of(values(first), values(second));
  }

  @Test
  void fedAdagrad() {
    // eta 0.1, tau 1e-9, beta1 = beta2 = 0 (m = d), v = v + d^2
    // round 1: d [0.25,-0.5,-0.375], v = d^2 -> x + 0.1*sign(d) = [1.1, -2.1, 0.4]
    // round 2: d [-0.1, 1.1, 0.6], v [0.0725, 1.46, 0.500625] -> [1.0628609, -2.0089634, 0.4847998]
    List<float[]> x = twoRounds(FedAdagrad.builder().build());

    assertThat(x.get(0)).containsExactly(new float[] {1.1f, -2.1f, 0.4f}, within(1e-6f));
    assertThat(x.get(1)).containsExactly(new float[] {1.0628609f, -2.0089634f, 0.4847998f},
        within(1e-6f));
  }

  @Test
  void fedAdamWithFlowersBiasCorrection() {
    // eta 0.1, beta1 0.9, beta2 0.99, tau 1e-9
    // round 1: m = 0.1 d, v = 0.01 d^2, eta_1 = 0.0742459788 -> x + eta_1*sign(d)
    //          = [1.0742460, -2.0742460, 0.4257540] (without the correction: +-0.1)
    // round 2: eta_2 = 0.0635940150 -> [1.1111774, -2.0407128, 0.4477388]
    List<float[]> x = twoRounds(FedAdam.builder().build());

    assertThat(x.get(0)).containsExactly(new float[] {1.0742460f, -2.0742460f, 0.4257540f},
        within(1e-6f));
    assertThat(x.get(1)).containsExactly(new float[] {1.1111774f, -2.0407128f, 0.4477388f},
        within(1e-6f));
  }

  @Test
  void fedAdamStepsAlikeFromTheSumOfTheUpdates() {
    List<float[]> fromUpdates = twoRounds(FedAdam.builder().build());
    List<float[]> fromSums = twoRounds(FedAdam.builder().build(), StrategyTesting::summed);

    assertThat(fromSums.get(0)).containsExactly(fromUpdates.get(0), within(1e-6f));
    assertThat(fromSums.get(1)).containsExactly(fromUpdates.get(1), within(1e-6f));
    assertThat(fromSums.get(1)).containsExactly(new float[] {1.1111774f, -2.0407128f, 0.4477388f},
        within(1e-6f));
  }

  @Test
  void fedYogi() {
    // eta 0.01, beta1 0.9, beta2 0.99, tau 1e-3
    // round 1: v = 0.01 d^2 -> x + 0.01*0.1d/(0.1|d| + 0.001) = [1.0096154, -2.0098039, 0.4902597]
    // round 2: d [-0.0096154, 1.0098039, 0.5097403]; v shrinks in coordinate 0 (v > d^2) and grows
    //          in 1 and 2 -> [1.0179053, -2.0048796, 0.4929392]
    List<float[]> x = twoRounds(FedYogi.builder().build());

    assertThat(x.get(0)).containsExactly(new float[] {1.0096154f, -2.0098039f, 0.4902597f},
        within(1e-6f));
    assertThat(x.get(1)).containsExactly(new float[] {1.0179053f, -2.0048796f, 0.4929392f},
        within(1e-6f));
  }

  @Test
  void defaultsAreFlowers() {
    FedAdagrad adagrad = FedAdagrad.builder().build();
    FedAdam adam = FedAdam.builder().build();
    FedYogi yogi = FedYogi.builder().build();

    assertThat(List.of(adagrad.eta, adagrad.etaL, adagrad.beta1, adagrad.beta2, adagrad.tau))
        .containsExactly(0.1, 0.1, 0.0, 0.0, 1e-9);
    assertThat(List.of(adam.eta, adam.etaL, adam.beta1, adam.beta2, adam.tau))
        .containsExactly(0.1, 0.1, 0.9, 0.99, 1e-9);
    assertThat(List.of(yogi.eta, yogi.etaL, yogi.beta1, yogi.beta2, yogi.tau))
        .containsExactly(0.01, 0.0316, 0.9, 0.99, 1e-3);
  }

  @Test
  void settingsChangeTheStep() {
    // FedAdagrad with eta 0.5: round 1 is x + 0.5*sign(d) = [1.5, -2.5, 0.0]
    FitAggregate first = round(FedAdagrad.builder().eta(0.5).build(), 1, X0, round1());

    assertThat(values(first)).containsExactly(new float[] {1.5f, -2.5f, 0.0f}, within(1e-6f));
  }

  @Test
  void theGlobalParametersMayComeFromInitialParametersInsteadOfConfigureFit() {
    // as Flower's FedOpt(initial_parameters=...): same first round as fedAdagrad()
    FedAdagrad adagrad = FedAdagrad.builder().initialParameters(X0).build();

    assertThat(values(adagrad.aggregateFit(1, round1())))
        .containsExactly(new float[] {1.1f, -2.1f, 0.4f}, within(1e-6f));
    assertThat(adagrad.initializeParameters()).contains(X0);
  }

  @Test
  void withoutGlobalParametersAggregationFailsClearly() {
    assertThatThrownBy(() -> FedAdam.builder().build().aggregateFit(1, round1()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("configureFit");
  }

  @Test
  void aRoundWithoutResultsKeepsTheStateAndReturnsNothing() {
    FedAdam adam = FedAdam.builder().build();

    FitAggregate none = round(adam, 1, X0, results());
    List<float[]> x = List.of(values(round(adam, 1, X0, round1())));

    assertThat(none.parameters()).isEmpty();
    assertThat(x.get(0)).containsExactly(new float[] {1.0742460f, -2.0742460f, 0.4257540f},
        within(1e-6f));
  }

  @Test
  void fitMetricsAreAggregatedAsFedAvgs() {
    // train_loss 1 (1 example) and 2 (3 examples): (1 + 6) / 4 = 1.75
    FitAggregate first = round(FedYogi.builder().build(), 1, X0, round1());

    assertThat(first.metrics().get("train_loss")).isCloseTo(1.75, within(1e-12));
  }

  @Test
  void fedAdagradTakesNoBetas() {
    assertThatThrownBy(() -> FedAdagrad.builder().beta1(0.9).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta1");
  }

  @Test
  void outOfRangeSettingsAreRefused() {
    assertThatThrownBy(() -> FedAdam.builder().eta(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("eta");
    assertThatThrownBy(() -> FedAdam.builder().beta2(1.0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta2");
    assertThatThrownBy(() -> FedYogi.builder().tau(-1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tau");
  }
}

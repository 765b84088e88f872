package io.flowersim.strategy;

import static io.flowersim.strategy.StrategyTesting.fit;
import static io.flowersim.strategy.StrategyTesting.p;
import static io.flowersim.strategy.StrategyTesting.results;
import static io.flowersim.strategy.StrategyTesting.round;
import static io.flowersim.strategy.StrategyTesting.summed;
import static io.flowersim.strategy.StrategyTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import org.junit.jupiter.api.Test;

/**
 * FedAvgM against Flower's fedavgm.py over two rounds (numpy-free Python):
 *
 * <pre>
 * x = [1.0, -2.0, 0.5]; momentum = None
 * per round: avg = FedAvg; pg = x - avg
 *            if mu > 0: momentum = pg if round == 1 else mu*momentum + pg; pg = momentum
 *            x = x - lr*pg
 * </pre>
 */
class FedAvgMTest {

  private static final Parameters X0 = p(1.0f, -2.0f, 0.5f);

  private static RoundResults<FitResult> round1() {
    // avg = (1*[2,-1,0.5] + 3*[1,-3,0]) / 4 = [1.25, -2.5, 0.125]
    return results(fit(1, 2.0f, -1.0f, 0.5f), fit(3, 1.0f, -3.0f, 0.0f));
  }

  private static RoundResults<FitResult> round2() {
    return results(fit(1, 1, -1, 1), fit(1, 1, -1, 1));
  }

  @Test
  void serverMomentumAccumulatesFromTheFirstRoundsPseudoGradient() {
    FedAvgM fedAvgM = FedAvgM.builder().serverLearningRate(0.5).serverMomentum(0.9).build();

    // round 1: pg = x - avg = [-0.25, 0.5, 0.375] is the momentum; x - 0.5*pg = [1.125, -2.25, 0.3125]
    FitAggregate first = round(fedAvgM, 1, X0, round1());
    // round 2: pg = [1.125,-2.25,0.3125] - [1,-1,1] = [0.125, -1.25, -0.6875];
    //          momentum = 0.9*[-0.25,0.5,0.375] + pg = [-0.1, -0.8, -0.35]
    //          x = [1.125,-2.25,0.3125] - 0.5*momentum = [1.175, -1.85, 0.4875]
    //          (without momentum it would be [1.0625, -1.625, 0.65625])
    FitAggregate second = round(fedAvgM, 2, first.parameters().orElseThrow(), round2());

    assertThat(values(first)).containsExactly(new float[] {1.125f, -2.25f, 0.3125f},
        within(1e-6f));
    assertThat(values(second)).containsExactly(new float[] {1.175f, -1.85f, 0.4875f},
        within(1e-6f));
  }

  @Test
  void fromTheSumOfTheUpdatesTheMomentumStepsAlike() {
    FedAvgM fromUpdates = FedAvgM.builder().serverLearningRate(0.5).serverMomentum(0.9).build();
    FedAvgM fromSums = FedAvgM.builder().serverLearningRate(0.5).serverMomentum(0.9).build();

    Parameters x1 = round(fromUpdates, 1, X0, round1()).parameters().orElseThrow();
    Parameters x1Summed = round(fromSums, 1, X0, summed(round1())).parameters().orElseThrow();
    // round 2 starts from each one's own round-1 result, through its own momentum
    FitAggregate x2 = round(fromUpdates, 2, x1, round2());
    FitAggregate x2Summed = round(fromSums, 2, x1Summed, summed(round2()));

    assertThat(x1Summed.values()).containsExactly(x1.values(), within(1e-6f));
    assertThat(values(x2Summed)).containsExactly(values(x2), within(1e-6f));
    assertThat(values(x2Summed)).containsExactly(new float[] {1.175f, -1.85f, 0.4875f},
        within(1e-6f));
  }

  @Test
  void aServerLearningRateWithoutMomentumScalesTheStep() {
    // lr 2, no momentum: x - 2*(x - avg) = 2*avg - x = [1.5, -3.0, -0.25]
    FitAggregate first = round(FedAvgM.builder().serverLearningRate(2.0).build(), 1, X0,
        round1());

    assertThat(values(first)).containsExactly(new float[] {1.5f, -3.0f, -0.25f}, within(1e-6f));
  }

  @Test
  void withFlowersDefaultsItIsFedAvg() {
    FedAvgM fedAvgM = FedAvgM.builder().build();

    assertThat(fedAvgM.serverLearningRate).isEqualTo(1.0);
    assertThat(fedAvgM.serverMomentum).isEqualTo(0.0);
    assertThat(fedAvgM.serverOptimizes()).isFalse();
    // no global parameters needed: plain FedAvg
    assertThat(values(fedAvgM.aggregateFit(1, round1()))).containsExactly(1.25f, -2.5f, 0.125f);
  }

  @Test
  void outOfRangeSettingsAreRefused() {
    assertThatThrownBy(() -> FedAvgM.builder().serverMomentum(1.0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serverMomentum");
    assertThatThrownBy(() -> FedAvgM.builder().serverLearningRate(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("serverLearningRate");
  }
}

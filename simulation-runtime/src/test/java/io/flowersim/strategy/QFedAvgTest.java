package io.flowersim.strategy;

import static io.flowersim.strategy.StrategyTesting.fit;
import static io.flowersim.strategy.StrategyTesting.p;
import static io.flowersim.strategy.StrategyTesting.results;
import static io.flowersim.strategy.StrategyTesting.round;
import static io.flowersim.strategy.StrategyTesting.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.client.ClientResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.RoundResults;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** q-FedAvg against Flower's qfedavg.py (compute_delta_and_h and the step), on fixed vectors. */
class QFedAvgTest {

  private static QFedAvg qFedAvg(double q, double learningRate) {
    return QFedAvg.builder().q(q).qfflLearningRate(learningRate).build();
  }

  @Test
  void weighsEachUpdateByItsLossToThePowerQ() {
    // global [1,2], learning rate 0.5 so L = 2, q = 1; results() gives client k train_loss k + 1
    //   client 0 [1,1], loss 1: Delta = 2*[0,1] = [0,2], ||Delta||^2 = 4,
    //       delta = 1*[0,2], h = 1 * 1^0 * 4 + 2 * 1 = 6
    //   client 1 [0,2], loss 2: Delta = 2*[1,0] = [2,0], ||Delta||^2 = 4,
    //       delta = 2*[2,0] = [4,0], h = 1 * 2^0 * 4 + 2 * 2 = 8
    //   new = [1,2] - [4,2] / 14 = [0.7142857, 1.8571429]
    FitAggregate aggregate = round(qFedAvg(1, 0.5), 1, p(1, 2),
        results(fit(1, 1, 1), fit(1, 0, 2)));

    assertThat(values(aggregate)[0]).isCloseTo(0.7142857f, within(1e-6f));
    assertThat(values(aggregate)[1]).isCloseTo(1.8571429f, within(1e-6f));
  }

  @Test
  void higherQFavoursTheClientWithTheHigherLoss() {
    // q = 2: client 1 (loss 2) delta = 4*[2,0] = [8,0], h = 2 * 2 * 4 + 2 * 4 = 24;
    //        client 0 (loss 1) delta = [0,2], h = 2 * 1 * 4 + 2 * 1 = 10;
    //        new = [1 - 8/34, 2 - 2/34] = [0.7647059, 1.9411765]
    FitAggregate aggregate = round(qFedAvg(2, 0.5), 1, p(1, 2),
        results(fit(1, 1, 1), fit(1, 0, 2)));

    assertThat(values(aggregate)[0]).isCloseTo(0.7647059f, within(1e-6f));
    assertThat(values(aggregate)[1]).isCloseTo(1.9411765f, within(1e-6f));
  }

  @Test
  void qZeroIsTheUnweightedMean() {
    // h = L for every client: global - sum(L (global - w_k)) / (n L) = mean of w_k, whatever the
    // example counts (FedAvg would give [2.5, 0.25] for 1 and 3 examples)
    FitAggregate aggregate = round(qFedAvg(0, 0.1), 1, p(0, 0),
        results(fit(1, 4, 1), fit(3, 2, -1)));

    assertThat(values(aggregate)[0]).isCloseTo(3f, within(1e-5f));
    assertThat(values(aggregate)[1]).isCloseTo(0f, within(1e-5f));
  }

  @Test
  void refusesAClientWithoutTrainLossNamingTheMetric() {
    RoundResults<FitResult> noLoss = new RoundResults<>(List.of(
        new ClientResult<>(7, new FitResult(p(1, 1), 1, Map.of("accuracy", 0.5)))), List.of());

    assertThatThrownBy(() -> round(qFedAvg(0.2, 0.1), 1, p(0, 0), noLoss))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("train_loss").hasMessageContaining("client 7");
  }

  @Test
  void needsEveryUpdateAndTakesFlowersDefaults() {
    QFedAvg strategy = QFedAvg.builder().build();

    assertThat(strategy.aggregatesMeanOfUpdates()).isFalse();
    assertThat(strategy.q).isEqualTo(0.2);
    assertThat(strategy.qfflLearningRate).isEqualTo(0.1);
    assertThatThrownBy(() -> qFedAvg(-1, 0.1)).hasMessageContaining("q must be at least 0");
    assertThatThrownBy(() -> qFedAvg(1, 0)).hasMessageContaining("qfflLearningRate");
  }
}

package io.flowersim.strategy;

import static io.flowersim.strategy.StrategyTesting.fit;
import static io.flowersim.strategy.StrategyTesting.p;
import static io.flowersim.strategy.StrategyTesting.results;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowersim.client.ClientInstruction;
import io.flowersim.client.Config;
import io.flowersim.client.ConfigKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FedProx as Flower's fedprox.py: FedAvg that sends proximal_mu in every fit config. */
class FedProxTest {

  @Test
  void everyFitConfigCarriesProximalMuNextToTheConfiguredOnes() {
    FedProx fedProx = FedProx.builder().proximalMu(0.25).fractionFit(0.5).minFitClients(1)
        .onFitConfig(round -> Config.of(Map.of("learningRate", "0.05", "server_round", round)))
        .build();

    List<ClientInstruction> fit = fedProx.configureFit(4, p(0), new ClientManager(10, 3));

    assertThat(fit).hasSize(5).allSatisfy(i -> assertThat(i.config().asMap())
        .containsExactlyInAnyOrderEntriesOf(Map.of("learningRate", "0.05", "server_round", 4,
            ConfigKeys.PROXIMAL_MU, 0.25)));
  }

  @Test
  void evaluationConfigsAndAggregationAreFedAvgs() {
    FedProx fedProx = FedProx.builder().proximalMu(1.0).build();

    assertThat(fedProx.configureEvaluate(1, p(0), new ClientManager(4, 3)))
        .allSatisfy(i -> assertThat(i.config().has(ConfigKeys.PROXIMAL_MU)).isFalse());
    // (1*[1,2] + 3*[3,4]) / 4 = [2.5, 3.5]
    assertThat(fedProx.aggregateFit(1, results(fit(1, 1, 2), fit(3, 3, 4))).parameters()
        .orElseThrow().values()).containsExactly(2.5f, 3.5f);
  }

  @Test
  void proximalMuIsRequiredAndNotNegative() {
    assertThatThrownBy(() -> FedProx.builder().build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proximalMu");
    assertThatThrownBy(() -> FedProx.builder().proximalMu(-0.1).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proximalMu");
  }
}

package io.flowersim.engine.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.DifferentialPrivacySpec;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.checkpoint.Checkpoint;
import io.flowersim.checkpoint.CheckpointStore;
import io.flowersim.client.ClientOperation;
import io.flowersim.server.History;
import io.flowersim.server.ServerListener;
import io.flowersim.simulation.Simulation;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On a real Ray cluster, a seeded run stopped in the middle of a round and resumed from its
 * checkpoint (in a new Simulation, on new actors) gives the rounds of the run that never stopped,
 * within 1e-6: FedAvg with drop-outs, and FedAdam under the DP wrapper.
 */
@Tag("ray")
class RayResumeIT {

  @BeforeAll
  static void cluster() throws Exception {
    RayActorsIT.cluster();
  }

  static FlowerSimulation spec(String strategy) throws Exception {
    FlowerSimulation sim = RayActorsIT.quickstart();
    sim.getSpec().rounds = 4;
    sim.getSpec().seed = 13L;
    sim.getSpec().strategy.name =
        io.flowersim.api.v1alpha1.spec.StrategyName.valueOf(strategy);
    if (strategy.equals("FED_ADAM")) {
      sim.getSpec().strategy.eta = 0.05;
      DifferentialPrivacySpec dp = new DifferentialPrivacySpec();
      dp.noiseMultiplier = 0.5;
      dp.clippingNorm = 5.0;
      sim.getSpec().strategy.differentialPrivacy = dp;
    } else {
      sim.getSpec().clients.dropoutRate = 0.2;
    }
    return sim;
  }

  @ParameterizedTest
  @ValueSource(strings = {"FED_AVG", "FED_ADAM"})
  void aRunResumedOnRayFollowsTheUninterruptedOne(String strategy, @TempDir Path dir)
      throws Exception {
    History straight = new History("straight");
    try (Simulation s = RayActorsIT.onRay(spec(strategy))) {
      s.run(straight, ServerListener.NONE);
    }
    CheckpointStore store = new CheckpointStore(dir);
    ServerListener stop = new ServerListener() {
      @Override
      public void phaseStarted(int round, ClientOperation operation, int sampled) {
        if (round == 3 && operation == ClientOperation.EVALUATE) {
          throw new IllegalStateException("stopped in round 3");
        }
      }
    };
    try (Simulation s = RayActorsIT.onRay(spec(strategy))) {
      assertThatThrownBy(() -> s.run(new History("stopped"), stop, store, null))
          .hasMessage("stopped in round 3");
    }
    Checkpoint newest = store.resumable(spec(strategy).getSpec(), w -> { });
    assertThat(newest.round()).isEqualTo(2);
    History resumed = new History("resumed");
    try (Simulation s = RayActorsIT.onRay(spec(strategy))) {
      s.run(resumed, ServerListener.NONE, store, newest);
    }

    List<RoundRecord> a = straight.rounds();
    List<RoundRecord> b = resumed.rounds();
    assertThat(b).hasSize(4);
    for (int i = 0; i < a.size(); i++) {
      String round = "round " + (i + 1);
      assertThat(b.get(i).fitClients).as(round).isEqualTo(a.get(i).fitClients);
      assertThat(b.get(i).fitFailures).as(round).isEqualTo(a.get(i).fitFailures);
      assertThat(b.get(i).evaluateFailures).as(round).isEqualTo(a.get(i).evaluateFailures);
      assertThat(b.get(i).centralizedLoss).as(round)
          .isCloseTo(a.get(i).centralizedLoss, within(1e-6));
      assertThat(b.get(i).distributedLoss).as(round)
          .isCloseTo(a.get(i).distributedLoss, within(1e-6));
      close(round, b.get(i).distributedMetrics, a.get(i).distributedMetrics);
      close(round, b.get(i).centralizedMetrics, a.get(i).centralizedMetrics);
    }
  }

  private static void close(String round, Map<String, Double> actual,
      Map<String, Double> expected) {
    assertThat(actual.keySet()).as(round).isEqualTo(expected.keySet());
    expected.forEach((k, v) -> assertThat(actual.get(k)).as(round + " " + k)
        .isCloseTo(v, within(1e-6)));
  }
}

package io.flowersim.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import org.junit.jupiter.api.Test;

class SpecDifferencesTest {

  @Test
  void anEqualSpecResumesAndSoDoesOneWithMoreRoundsOrSuspended() throws Exception {
    FlowerSimulationSpec spec = CheckpointStoreTest.spec();
    String saved = SpecDifferences.json(spec);
    assertThat(SpecDifferences.between(saved, CheckpointStoreTest.spec(), 4)).isEmpty();

    FlowerSimulationSpec more = CheckpointStoreTest.spec();
    more.rounds = 20;
    more.suspend = true;
    assertThat(SpecDifferences.between(saved, more, 4)).isEmpty();
  }

  @Test
  void eachDifferenceIsNamedWithBothValues() throws Exception {
    String saved = SpecDifferences.json(CheckpointStoreTest.spec());
    FlowerSimulationSpec other = CheckpointStoreTest.spec();
    other.taskConfig.put("learningRate", "0.2");
    other.clients.count = 21;
    other.seed = 9L;
    other.strategy.name = io.flowersim.api.v1alpha1.spec.StrategyName.FED_ADAM;

    assertThat(SpecDifferences.between(saved, other, 4)).containsExactly(
        "clients.count: 21, but the checkpoint was made with 20",
        "seed: 9, but the checkpoint was made with (not set)",
        "strategy.name: \"FedAdam\", but the checkpoint was made with \"FedAvg\"",
        "taskConfig.learningRate: \"0.2\", but the checkpoint was made with \"0.1\"");
  }

  @Test
  void roundsMayOnlyBeRaised() throws Exception {
    String saved = SpecDifferences.json(CheckpointStoreTest.spec());
    FlowerSimulationSpec fewer = CheckpointStoreTest.spec();
    fewer.rounds = 8;

    assertThat(SpecDifferences.between(saved, fewer, 4)).containsExactly("rounds: 8, but the "
        + "checkpoint's run had 10 (rounds may only be raised when resuming)");
  }
}

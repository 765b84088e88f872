package io.flowersim.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.engine.EngineResources;
import io.flowersim.server.History;
import io.flowersim.server.ServerListener;
import io.flowersim.task.TaskRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs examples/quickstart.yaml end to end on the local backend. */
class QuickstartTest {

  /** Tests run in the module directory; the examples live at the repository root. */
  static FlowerSimulation quickstart() throws Exception {
    Path file = Path.of("..", "examples", "quickstart.yaml");
    if (!Files.exists(file)) {
      file = Path.of("examples", "quickstart.yaml");
    }
    return new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), FlowerSimulation.class);
  }

  static History run(FlowerSimulation resource) throws Exception {
    History history = new History(resource.getMetadata().getName());
    try (Simulation simulation = Simulation.local(resource, TaskRegistry.load(),
        new EngineResources(2, 0))) {
      simulation.run(history, ServerListener.NONE);
    }
    return history;
  }

  @Test
  void quickstartLearns() throws Exception {
    FlowerSimulation resource = quickstart();

    History history = run(resource);

    List<RoundRecord> rounds = history.rounds();
    assertThat(rounds).hasSize(10);
    assertThat(history.initial).isNotNull();
    double initial = history.initial.centralizedLoss;
    double first = rounds.get(0).centralizedLoss;
    double last = rounds.get(9).centralizedLoss;
    assertThat(first).isLessThan(initial);
    assertThat(last).isLessThan(first);
    assertThat(rounds.get(9).centralizedMetrics.get("accuracy")).isGreaterThanOrEqualTo(0.8);
    // 100 clients, fractionFit/fractionEvaluate 0.1 with minimum 10: 10 each round
    assertThat(rounds).allSatisfy(r -> {
      assertThat(r.fitClients).isEqualTo(10);
      assertThat(r.fitFailures).isZero();
      assertThat(r.evaluateClients).isEqualTo(10);
      assertThat(r.distributedLoss).isNotNull();
      assertThat(r.distributedMetrics).containsKeys("accuracy", "fit_train_loss");
    });
  }

  @Test
  void theSameSeedGivesTheSameResult() throws Exception {
    History a = run(quickstart());
    History b = run(quickstart());

    RoundRecord lastA = a.last().orElseThrow();
    RoundRecord lastB = b.last().orElseThrow();
    assertThat(lastB.centralizedLoss).isEqualTo(lastA.centralizedLoss);
    assertThat(lastB.distributedLoss).isEqualTo(lastA.distributedLoss);
    assertThat(lastB.distributedMetrics).isEqualTo(lastA.distributedMetrics);
  }
}

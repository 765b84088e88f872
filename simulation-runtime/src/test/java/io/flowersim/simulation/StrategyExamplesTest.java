package io.flowersim.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.engine.ClientProcesses;
import io.flowersim.engine.EngineResources;
import io.flowersim.server.History;
import io.flowersim.server.ServerListener;
import io.flowersim.task.TaskRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the examples of QFedAvg, SCAFFOLD, client-side adaptive DP and natural-id writers end to
 * end on the local backend: each learns, and each shows its own part in the round records.
 */
class StrategyExamplesTest {

  static FlowerSimulation example(String name) throws Exception {
    Path file = Path.of("..", "examples", name);
    if (!Files.exists(file)) {
      file = Path.of("examples", name);
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

  /** The centralized loss falls from the initial model's, and the last accuracy is reached. */
  private static void learns(History history, int rounds, double accuracy) {
    List<RoundRecord> records = history.rounds();
    assertThat(records).hasSize(rounds);
    double initial = history.initial.centralizedLoss;
    double last = records.get(rounds - 1).centralizedLoss;
    System.out.printf("%s: loss %.4f -> %.4f (round 1 %.4f), accuracy %.4f%n", history.simulation,
        initial, last, records.get(0).centralizedLoss,
        records.get(rounds - 1).centralizedMetrics.get("accuracy"));
    assertThat(last).isLessThan(initial);
    assertThat(last).isLessThan(records.get(0).centralizedLoss);
    assertThat(records.get(rounds - 1).centralizedMetrics.get("accuracy"))
        .isGreaterThanOrEqualTo(accuracy);
    assertThat(records).allSatisfy(r -> assertThat(r.fitFailures).isZero());
  }

  @Test
  void qFedAvgLearns() throws Exception {
    History history = run(example("quickstart-qfedavg.yaml"));

    learns(history, 10, 0.8);
  }

  @Test
  void scaffoldLearnsOnLabelSkewedClients() throws Exception {
    FlowerSimulation resource = example("scaffold-dirichlet.yaml");

    History history = run(resource);

    learns(history, 10, 0.8);
  }

  /**
   * Writers of their own style and size (natural-id; SyntheticTaskTest checks both) still learn
   * one model.
   */
  @Test
  void naturalIdWritersLearn() throws Exception {
    History history = run(example("natural-id-writers.yaml"));

    learns(history, 10, 0.8);
  }

  /**
   * The clients' control variates live in their state, which worker JVMs get and give back with
   * each call: over the pool a run is the one on this JVM's threads.
   */
  @Test
  void scaffoldOverWorkerProcessesIsScaffoldOnThreads() throws Exception {
    FlowerSimulation resource = example("scaffold-dirichlet.yaml");
    resource.getSpec().rounds = 4;
    History threads = run(resource);
    History pool = new History(resource.getMetadata().getName());
    try (Simulation simulation = Simulation.create(null, null, resource, TaskRegistry.load(),
        new EngineResources(2, 0), ClientProcesses.POOL, null)) {
      simulation.run(pool, ServerListener.NONE);
    }

    assertThat(pool.rounds()).hasSize(4);
    for (int r = 0; r < 4; r++) {
      assertThat(pool.rounds().get(r).centralizedLoss)
          .isCloseTo(threads.rounds().get(r).centralizedLoss, within(1e-6));
    }
  }

  @Test
  void adaptiveClippingOnTheClientsLearnsAndMovesTheNorm() throws Exception {
    History history = run(example("dp-adaptive.yaml"));

    learns(history, 15, 0.8);
    List<RoundRecord> records = history.rounds();
    records.forEach(r -> System.out.printf("round %d: clipping norm %.4f, noise %.5f, "
        + "unclipped %.3f%n", r.round, r.distributedMetrics.get("fit_dp_clipping_norm"),
        r.distributedMetrics.get("fit_dp_noise_stddev"),
        r.distributedMetrics.get("fit_dp_unclipped_fraction")));
    assertThat(records).allSatisfy(r -> {
      assertThat(r.distributedMetrics.get("fit_dp_noise_stddev")).isPositive();
      assertThat(r.distributedMetrics).doesNotContainKey("fit_norm_bit");
    });
    assertThat(records.get(14).distributedMetrics.get("fit_dp_clipping_norm"))
        .isNotEqualTo(records.get(0).distributedMetrics.get("fit_dp_clipping_norm"));
  }

  /**
   * examples/client-groups.yaml: every round records each group's clients, which add up to the
   * round's; the phones (30 % drop out) fail, the laptops (always there) never do, and the model
   * learns from both.
   */
  @Test
  void clientGroupsLearnAndEachGroupIsCountedInEveryRound() throws Exception {
    History history = run(example("client-groups.yaml"));

    List<RoundRecord> records = history.rounds();
    assertThat(records).hasSize(10);
    int phoneFailures = 0;
    int phonesSampled = 0;
    int laptopsSampled = 0;
    for (RoundRecord r : records) {
      assertThat(r.groups).extracting(g -> g.name).containsExactly("phones", "laptops");
      RoundRecord.GroupRound phones = r.groups.get(0);
      RoundRecord.GroupRound laptops = r.groups.get(1);
      assertThat(phones.fitClients + laptops.fitClients).isEqualTo(r.fitClients);
      assertThat(phones.fitFailures + laptops.fitFailures).isEqualTo(r.fitFailures);
      assertThat(phones.evaluateClients + laptops.evaluateClients).isEqualTo(r.evaluateClients);
      assertThat(phones.fitSampled + laptops.fitSampled).isEqualTo(20);
      assertThat(phones.fitSampled).isEqualTo(phones.fitClients + phones.fitFailures);
      assertThat(laptops.fitFailures).isZero();
      assertThat(laptops.evaluateFailures).isZero();
      phoneFailures += phones.fitFailures;
      phonesSampled += phones.fitSampled;
      laptopsSampled += laptops.fitSampled;
    }
    // 10 rounds of 20 sampled from 80 phones and 20 laptops
    assertThat(phonesSampled).isBetween(130, 190);
    assertThat(laptopsSampled).isEqualTo(200 - phonesSampled);
    assertThat((double) phoneFailures / phonesSampled).isBetween(0.15, 0.45);
    assertThat(records.get(9).centralizedLoss).isLessThan(history.initial.centralizedLoss);
    assertThat(records.get(9).centralizedMetrics.get("accuracy")).isGreaterThan(0.85);
  }
}

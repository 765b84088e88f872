package io.flowersim.engine.ray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.Config;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.remote.Placement;
import io.flowersim.flowerapp.FlowerApp;
import io.flowersim.server.History;
import io.flowersim.simulation.Simulation;
import io.flowersim.simulation.SimulationFile;
import io.flowersim.task.TaskRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flower Apps' ClientApps, unchanged, in Ray Python actors created from this Java driver, against
 * the real 2-node cluster of {@link RayActorsIT} (whose Python has flwr: scripts/ray-cluster.sh
 * installs python/requirements.txt beside ray). Skipped when no cluster answers, failed when
 * CI=true.
 */
@Tag("ray")
class RayFlowerAppIT {

  private static final Path APPS =
      Path.of("../simulation-runtime/src/test/resources/flowerapps").toAbsolutePath().normalize();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @BeforeAll
  static void cluster() throws Exception {
    RayActorsIT.cluster();
  }

  /**
   * examples/flower-numpy.yaml as shipped: the same seeded run in the local pool of Python
   * workers and on Ray's Python actors (whose FedAvg takes each actor's sum of its clients'
   * updates) records the same rounds, to float rounding.
   */
  @Test
  void theNumpyExampleOnRayRecordsTheLocalHistory() throws Exception {
    Path file = Path.of("../examples/flower-numpy.yaml");
    History local;
    try (Simulation s = Simulation.local(SimulationFile.read(file), TaskRegistry.load(),
        new EngineResources(2, 0))) {
      local = RayActorsIT.run(s, "local");
    }
    History ray;
    try (Simulation s = RayActorsIT.onRay(SimulationFile.read(file))) {
      System.out.println("flower-numpy on ray: " + s.engineDescription());
      assertThat(s.engineDescription()).contains("Python actor(s)").contains("legacy API");
      ray = RayActorsIT.run(s, "ray");
    }
    List<RoundRecord> l = local.rounds();
    List<RoundRecord> r = ray.rounds();
    System.out.println("flower-numpy distributed loss per round: local "
        + l.stream().map(x -> x.distributedLoss).toList() + ", ray "
        + r.stream().map(x -> x.distributedLoss).toList());
    assertThat(r).hasSize(5).hasSameSizeAs(l);
    for (int i = 0; i < l.size(); i++) {
      String round = "round " + (i + 1);
      assertThat(r.get(i).fitClients).as(round).isEqualTo(l.get(i).fitClients).isEqualTo(10);
      assertThat(r.get(i).fitFailures).as(round).isZero();
      assertThat(r.get(i).evaluateClients).as(round).isEqualTo(l.get(i).evaluateClients);
      assertThat(r.get(i).evaluateFailures).as(round).isZero();
      assertThat(r.get(i).distributedLoss).as(round)
          .isCloseTo(l.get(i).distributedLoss, within(1e-6));
      assertThat(r.get(i).centralizedLoss).as(round + " (the app's evaluateFn)")
          .isCloseTo(l.get(i).centralizedLoss, within(1e-6));
      assertThat(r.get(i).distributedMetrics.keySet()).as(round)
          .isEqualTo(l.get(i).distributedMetrics.keySet()).contains("fit_train_loss", "mse");
      Map<String, Double> expected = l.get(i).distributedMetrics;
      for (Map.Entry<String, Double> e : r.get(i).distributedMetrics.entrySet()) {
        assertThat(e.getValue()).as(round + " " + e.getKey())
            .isCloseTo(expected.get(e.getKey()), within(1e-6));
      }
      assertThat(r.get(i).fitClientsByNode.values().stream().mapToInt(List::size).sum())
          .as(round + ": every fit client on one node").isEqualTo(r.get(i).fitClients);
    }
    // The model learns, so matching the local run is not matching a constant.
    assertThat(l.get(4).distributedLoss).isLessThan(l.get(0).distributedLoss / 10);
    Set<String> nodes = r.stream().flatMap(x -> x.fitClientsByNode.keySet().stream())
        .collect(Collectors.toSet());
    if (RayActorsIT.aliveNodes() >= 2) {
      assertThat(nodes).as("fit clients ran on both nodes").hasSizeGreaterThanOrEqualTo(2);
    } else if ("true".equals(System.getenv("CI"))) {
      Assertions.fail("CI needs the 2-node cluster (scripts/ray-cluster.sh start --nodes 2)");
    }
  }

  /**
   * spec.flowerApp.evaluateFn runs in this driver's Python process on Ray too: round 0 on the
   * initial model and every round on the global model the actors' sums made, its loss (sum(w) +
   * round) beside the clients' (sum(w) + partition, mean sum(w) + 0.5) on the same model.
   */
  @Test
  void theEvaluateFnIsTheCentralizedEvaluationOnRayToo(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("central.yaml");
    Files.writeString(file, """
        apiVersion: flowersim.io/v1alpha1
        kind: FlowerSimulation
        metadata: {name: central-on-ray}
        spec:
          flowerApp:
            path: %s
            initialArrays: message_app.client_app:initial_arrays
            evaluateFn: message_app.central:global_evaluate
          rounds: 2
          clients: {count: 2, resources: {cpus: 0.5}}
          strategy: {name: FedAvg, fractionFit: 1.0, fractionEvaluate: 1.0}
        """.formatted(APPS.resolve("message_api")));
    History history;
    try (Simulation s = RayActorsIT.onRay(SimulationFile.read(file))) {
      assertThat(s.engineDescription()).contains("Python actor(s)");
      history = RayActorsIT.run(s, "ray");
    }
    assertThat(history.initial.centralizedLoss).isEqualTo(0.0);
    assertThat(history.initial.centralizedMetrics).containsEntry("server-round", 0.0);
    assertThat(history.rounds()).hasSize(2).allSatisfy(r -> {
      assertThat(r.centralizedMetrics).containsEntry("server-round", (double) r.round)
          .containsEntry("steps", (double) r.round);
      assertThat(r.centralizedLoss).isCloseTo(r.distributedLoss - 0.5 + r.round, within(1e-4));
    });
  }

  private static PythonActors actors(String app, Map<String, Object> runConfig, int clients) {
    ClientResources perClient = new ClientResources();
    perClient.cpus = 0.5;
    return PythonActors.connect(new PythonActors.Options(RayActorsIT.address,
        RayActors.codeSearchPath(), new FlowerApp(APPS.resolve(app), null, runConfig,
            "message_app.client_app:initial_arrays"), clients, perClient, null, clients, null));
  }

  private static List<ClientInstruction> everyClient(int clients, int round) {
    return IntStream.range(0, clients).mapToObj(c -> new ClientInstruction(c,
        Config.of(Map.of("server_round", round)))).toList();
  }

  /**
   * A Message-API client that raises fails alone, with its Python traceback, while the other
   * clients of its actor's batch are summed into the round's mean as their actor sent it.
   */
  @Test
  void aRaisingClientIsAFailureWithItsTracebackAndTheOthersAreSummed() {
    PythonActors actors = actors("message_api", Map.of("raise-on", 2), 4);
    try (ClientScheduler engine = new ClientScheduler(actors)) {
      Parameters model = engine.initialParameters(0, TIMEOUT).orElseThrow();
      assertThat(model.tensors()).extracting(Parameters.Tensor::name)
          .containsExactly("w", "steps");
      RoundResults<FitResult> fit = engine.fit(1, model, everyClient(4, 1), TIMEOUT,
          (id, ok) -> {}, true);
      assertThat(fit.results()).extracting(ClientResult::clientId)
          .containsExactlyInAnyOrder(0, 1, 3);
      assertThat(fit.failures()).hasSize(1);
      ClientFailure failure = fit.failures().get(0);
      assertThat(failure.clientId()).isEqualTo(2);
      assertThat(failure.round()).isEqualTo(1);
      assertThat(failure.reason()).isEqualTo("ValueError: client 2 raises");
      assertThat(failure.stackTrace()).contains("Traceback (most recent call last)")
          .contains("client_app.py").contains("in misbehave");
      // Each client trains w to w + 1 + its partition on 10 + partition examples; the sum is
      // weighted by them over the clients that succeeded: 0, 1 and 3.
      assertThat(fit.updateSum()).isPresent();
      float[] mean = fit.updateSum().orElseThrow().mean().copyOf("w");
      double expected = model.copyOf("w")[0] + 1 + (0 * 10 + 1 * 11 + 3 * 13) / 34.0;
      assertThat((double) mean[0]).isCloseTo(expected, within(1e-6));
      assertThat(fit.results()).allSatisfy(r -> {
        assertThat(r.result().parameters()).isNull();
        assertThat(r.result().metrics()).containsEntry("calls", 1.0)
            .containsEntry("partition-id", (double) r.clientId());
        assertThat(r.node()).isNotBlank();
      });
      List<Placement> placements = actors.placements();
      assertThat(placements).extracting(Placement::clientId).contains(0, 1, 2, 3);
    }
  }

  @Test
  void anAppThatCannotBeImportedOnTheClusterFailsBeforeAnyRound() {
    assertThatThrownBy(() -> actors("broken", Map.of(), 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not import")
        .hasMessageContaining("broken_app needs a library that is not installed");
  }
}

package io.flowersim.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap;
import io.flowersim.api.v1alpha1.handover.RuntimeEnvironment;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.server.History;
import io.flowersim.server.HistoryJson;
import io.flowersim.server.ServerListener;
import io.flowersim.simulation.ExitCode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry point against Fabric8's mock API server: the history ConfigMap it writes. The same
 * against a real kube-apiserver, with the operator mirroring it, is FlowerSimulationOperatorIT.
 */
@EnableKubernetesMockClient(crud = true)
class MainTest {

  static final String NAMESPACE = "team-a";
  static final String CONFIGMAP = "quick-history";

  KubernetesClient client;

  static String simulation(String name, int rounds, int clients) {
    return """
        {"apiVersion": "flowersim.io/v1alpha1", "kind": "FlowerSimulation",
         "metadata": {"name": "%s", "namespace": "team-a"},
         "spec": {"task": "synthetic", "rounds": %d,
                  "clients": {"count": %d, "resources": {"cpus": 1}},
                  "strategy": {"fractionFit": 0.5, "fractionEvaluate": 0.5,
                               "minFitClients": 2, "minEvaluateClients": 2,
                               "minAvailableClients": 2}}}
        """.formatted(name, rounds, clients);
  }

  static Map<String, String> env(String simulationJson) {
    return Map.of(RuntimeEnvironment.SIMULATION, simulationJson,
        RuntimeEnvironment.HISTORY_CONFIGMAP, CONFIGMAP,
        RuntimeEnvironment.NAMESPACE, NAMESPACE,
        RuntimeEnvironment.BACKEND, "local");
  }

  @BeforeEach
  void createConfigMap() {
    client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder().withNewMetadata()
        .withName(CONFIGMAP).withNamespace(NAMESPACE).addToLabels("keep", "me").endMetadata()
        .build()).create();
  }

  @Test
  void writesEveryRoundAndTheFinalState() throws Exception {
    int code = Main.run(env(simulation("quick", 3, 4)), client);

    assertThat(code).isEqualTo(ExitCode.OK);
    ConfigMap cm = client.configMaps().inNamespace(NAMESPACE).withName(CONFIGMAP).get();
    assertThat(cm.getData()).containsEntry(HistoryConfigMap.STATE_KEY, "succeeded")
        .containsEntry(HistoryConfigMap.MESSAGE_KEY, "all 3 rounds completed");
    History history = HistoryJson.fromJson(cm.getData().get(HistoryConfigMap.HISTORY_KEY));
    assertThat(history.simulation).isEqualTo("quick");
    assertThat(history.rounds).extracting(r -> r.round).containsExactly(1, 2, 3);
    assertThat(history.rounds).allSatisfy(r -> assertThat(r.fitClients).isEqualTo(2));
    assertThat(cm.getMetadata().getLabels()).containsEntry("keep", "me");
  }

  @Test
  void anInvalidSimulationIsReportedInTheConfigMapNamingTheField() {
    int code = Main.run(env(simulation("quick", 0, 4)), client);

    assertThat(code).isEqualTo(ExitCode.INVALID_INPUT);
    ConfigMap cm = client.configMaps().inNamespace(NAMESPACE).withName(CONFIGMAP).get();
    assertThat(cm.getData()).containsEntry(HistoryConfigMap.STATE_KEY, "failed")
        .doesNotContainKey(HistoryConfigMap.HISTORY_KEY);
    assertThat(cm.getData().get(HistoryConfigMap.MESSAGE_KEY)).contains("spec.rounds");
  }

  @Test
  void anUnknownBackendIsRefusedNamingTheVariable() {
    Map<String, String> env = new HashMap<>(env(simulation("quick", 1, 4)));
    env.put(RuntimeEnvironment.BACKEND, "spark");

    assertThat(Main.run(env, client)).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(client.configMaps().inNamespace(NAMESPACE).withName(CONFIGMAP).get().getData())
        .containsEntry(HistoryConfigMap.STATE_KEY, "failed")
        .hasEntrySatisfying(HistoryConfigMap.MESSAGE_KEY,
            m -> assertThat(m).contains(RuntimeEnvironment.BACKEND).contains("spark"));
  }

  /** What the loss of the head pod does to the runtime: it stops, with nothing more written. */
  static final class HeadLost extends Error {
    HeadLost(int round) {
      super("head pod lost in round " + round);
    }
  }

  /** Stops the run once {@code round} is recorded, before its checkpoint is written. */
  static ServerListener headLostIn(int round) {
    return new ServerListener() {
      @Override
      public void roundFinished(RoundRecord record, History history) {
        if (record.round == round) {
          throw new HeadLost(round);
        }
      }
    };
  }

  static Map<String, String> env(String simulationJson, Path checkpointDir) {
    Map<String, String> env = new HashMap<>(env(simulationJson));
    env.put(RuntimeEnvironment.CHECKPOINT_DIR, checkpointDir.toString());
    return env;
  }

  Map<String, String> data() {
    return client.configMaps().inNamespace(NAMESPACE).withName(CONFIGMAP).get().getData();
  }

  History historyInConfigMap() throws Exception {
    return HistoryJson.fromJson(data().get(HistoryConfigMap.HISTORY_KEY));
  }

  /** A new simulation of the same name: the operator made its ConfigMap anew. */
  void emptyConfigMap() {
    client.configMaps().inNamespace(NAMESPACE).withName(CONFIGMAP).edit(cm -> {
      cm.setData(null);
      return cm;
    });
  }

  @Test
  void aRunThatLostItsHeadContinuesAfterItsCheckpointWithTheUninterruptedHistory(
      @TempDir Path dir) throws Exception {
    String sim = simulation("quick", 5, 4);
    assertThat(Main.run(env(sim, dir.resolve("uninterrupted")), client)).isEqualTo(ExitCode.OK);
    List<RoundRecord> uninterrupted = historyInConfigMap().rounds;
    emptyConfigMap();

    Path claim = dir.resolve("team-a/quick");
    assertThatThrownBy(() -> Main.run(env(sim, claim), client, headLostIn(3)))
        .isInstanceOf(HeadLost.class);
    // Round 3 was recorded, its checkpoint not written: the run continues after round 2.
    assertThat(historyInConfigMap().rounds).extracting(r -> r.round).containsExactly(1, 2, 3);
    assertThat(data()).containsEntry(HistoryConfigMap.STATE_KEY, "running");

    assertThat(Main.run(env(sim, claim), client)).isEqualTo(ExitCode.OK);
    assertThat(data()).containsEntry(HistoryConfigMap.STATE_KEY, "succeeded")
        .containsEntry(HistoryConfigMap.RESUMED_FROM_ROUND_KEY, "2")
        .doesNotContainKey(HistoryConfigMap.PREVIOUS_ATTEMPT_KEY);
    List<RoundRecord> resumed = historyInConfigMap().rounds;
    assertThat(resumed).extracting(r -> r.round).containsExactly(1, 2, 3, 4, 5);
    // Seeded and on one JVM's threads: the same run, bit for bit, but for the durations.
    assertThat(resumed).extracting(r -> r.distributedLoss)
        .containsExactlyElementsOf(uninterrupted.stream().map(r -> r.distributedLoss).toList());
    assertThat(resumed).extracting(r -> r.distributedMetrics)
        .containsExactlyElementsOf(uninterrupted.stream().map(r -> r.distributedMetrics).toList());
    // Every round is on the claim too, beside the checkpoints.
    assertThat(HistoryJson.read(claim.resolve("history.json")).rounds)
        .extracting(r -> r.round).containsExactly(1, 2, 3, 4, 5);
    assertThat(claim.resolve("checkpoints/round-0000000005.ckpt")).exists();
  }

  /** What a head pod going away does to a round in flight: the Ray calls break. */
  static ServerListener brokenIn(int round) {
    return new ServerListener() {
      @Override
      public void roundFinished(RoundRecord record, History history) {
        if (record.round == round) {
          throw new IllegalStateException("Broken pipe");
        }
      }
    };
  }

  @Test
  void aBrokenAttemptWithACheckpointLeavesTheRunToKubeRaysRetryAndWithoutOneFailsIt(
      @TempDir Path dir) throws Exception {
    String sim = simulation("quick", 5, 4);
    Path claim = dir.resolve("team-a/quick");
    assertThat(Main.run(env(sim, claim), client, brokenIn(3))).isEqualTo(ExitCode.RUN_FAILED);
    assertThat(data()).containsEntry(HistoryConfigMap.STATE_KEY, "running")
        .hasEntrySatisfying(HistoryConfigMap.MESSAGE_KEY, m -> assertThat(m)
            .startsWith("round 4 failed: Broken pipe; this attempt ended")
            .contains(claim.toString()));
    // KubeRay's next attempt continues after the newest checkpoint (round 3 broke before its
    // own) and ends the run.
    assertThat(Main.run(env(sim, claim), client)).isEqualTo(ExitCode.OK);
    assertThat(data()).containsEntry(HistoryConfigMap.STATE_KEY, "succeeded")
        .containsEntry(HistoryConfigMap.RESUMED_FROM_ROUND_KEY, "2");
    assertThat(historyInConfigMap().rounds).extracting(r -> r.round)
        .containsExactly(1, 2, 3, 4, 5);

    emptyConfigMap();
    assertThat(Main.run(env(sim), client, brokenIn(3))).isEqualTo(ExitCode.RUN_FAILED);
    assertThat(data()).containsEntry(HistoryConfigMap.STATE_KEY, "failed")
        .containsEntry(HistoryConfigMap.MESSAGE_KEY, "round 4 failed: Broken pipe");
  }

  @Test
  void aCheckpointOfAnotherSpecFailsTheRunNamingTheFieldAndRunsNothing(@TempDir Path dir)
      throws Exception {
    assertThat(Main.run(env(simulation("quick", 2, 4), dir), client)).isEqualTo(ExitCode.OK);
    emptyConfigMap();

    // Re-created with other clients: the checkpoint on the claim is of another run.
    assertThat(Main.run(env(simulation("quick", 2, 6), dir), client))
        .isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(data()).containsEntry(HistoryConfigMap.STATE_KEY, "failed")
        .doesNotContainKey(HistoryConfigMap.HISTORY_KEY)
        .hasEntrySatisfying(HistoryConfigMap.MESSAGE_KEY, m -> assertThat(m)
            .startsWith("spec.checkpoint: the checkpoint after round 2 in " + dir)
            .contains("clients.count"));
  }

  @Test
  void anAttemptStartedAfterTheRunEndedRunsNothing(@TempDir Path dir) throws Exception {
    String sim = simulation("quick", 2, 4);
    assertThat(Main.run(env(sim, dir), client)).isEqualTo(ExitCode.OK);
    Map<String, String> ended = data();

    // KubeRay retries a Ray job that failed after the runtime recorded its end.
    assertThat(Main.run(env(sim, dir), client, headLostIn(1))).isEqualTo(ExitCode.OK);
    assertThat(data()).isEqualTo(ended);

    client.configMaps().inNamespace(NAMESPACE).withName(CONFIGMAP).edit(cm -> {
      cm.getData().put(HistoryConfigMap.STATE_KEY, "failed");
      return cm;
    });
    assertThat(Main.run(env(sim, dir), client, headLostIn(1))).isEqualTo(ExitCode.RUN_FAILED);
  }

  @Test
  void withoutItsEnvironmentItRunsNothing() {
    assertThat(Main.run(Map.of(), client)).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(client.configMaps().inNamespace(NAMESPACE).withName(CONFIGMAP).get().getData())
        .isNullOrEmpty();
  }
}

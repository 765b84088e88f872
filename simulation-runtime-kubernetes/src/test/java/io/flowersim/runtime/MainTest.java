package io.flowersim.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap;
import io.flowersim.api.v1alpha1.handover.RuntimeEnvironment;
import io.flowersim.server.History;
import io.flowersim.server.HistoryJson;
import io.flowersim.simulation.ExitCode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

  @Test
  void withoutItsEnvironmentItRunsNothing() {
    assertThat(Main.run(Map.of(), client)).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(client.configMaps().inNamespace(NAMESPACE).withName(CONFIGMAP).get().getData())
        .isNullOrEmpty();
  }
}

package io.flowersim.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.TestFlowerSimulations;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.operator.FlowerSimulationOperator;
import io.flowersim.operator.OperatorSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconcile loop on Fabric8's mock API server, for machines without a control plane. The mock
 * answers server-side apply with 415, so JOSDK patches and matches the classic way here; the
 * real API server (FlowerSimulationOperatorIT) runs the production settings.
 */
@EnableKubernetesMockClient(crud = true)
class FlowerSimulationReconcilerMockTest {

  KubernetesClient client;
  FlowerSimulationOperator operator;

  @BeforeEach
  void start() {
    operator = new FlowerSimulationOperator(client, OperatorSettings.defaults(),
        new SimpleMeterRegistry(), o -> o.withUseSSAToPatchPrimaryResource(false)
            .withSSABasedCreateUpdateMatchForDependentResources(false)).start();
  }

  @AfterEach
  void stop() {
    operator.close();
  }

  @Test
  void makesTheDependentsAndMirrorsTheHistoryIntoTheStatus() {
    FlowerSimulation sim = TestFlowerSimulations.minimal();
    client.resource(sim).create();
    String ns = TestFlowerSimulations.TEST_NAMESPACE;
    String name = TestFlowerSimulations.TEST_NAME;

    RayJob job = await().atMost(Duration.ofSeconds(20)).until(
        () -> client.resources(RayJob.class).inNamespace(ns).withName(name).get(),
        j -> j != null);
    assertThat(job.getSpec().rayClusterSpec.headGroupSpec.template.getSpec()
        .getServiceAccountName()).isEqualTo(name + "-runtime");

    client.configMaps().inNamespace(ns).withName(name + "-history").edit(cm -> {
      cm.setData(new HashMap<>());
      cm.getData().put(HistoryConfigMap.HISTORY_KEY,
          "{\"simulation\":\"" + name + "\",\"rounds\":[{\"round\":1,\"distributedLoss\":0.7,"
              + "\"durationSeconds\":1.0},{\"round\":2,\"distributedLoss\":0.5,"
              + "\"durationSeconds\":1.0}]}");
      cm.getData().put(HistoryConfigMap.STATE_KEY, "running");
      return cm;
    });

    FlowerSimulation seen = await().atMost(Duration.ofSeconds(20)).until(
        () -> client.resources(FlowerSimulation.class).inNamespace(ns).withName(name).get(),
        s -> s.getStatus() != null && Integer.valueOf(2).equals(s.getStatus().currentRound));
    assertThat(seen.getStatus().phase).isEqualTo(SimulationPhase.Running);
    assertThat(seen.getStatus().loss).isEqualTo(0.5);
    assertThat(seen.getStatus().rounds).extracting(r -> r.round).isEqualTo(List.of(1, 2));
    ConfigMap history = client.configMaps().inNamespace(ns).withName(name + "-history").get();
    assertThat(history.getData()).containsKey(HistoryConfigMap.HISTORY_KEY);
  }
}

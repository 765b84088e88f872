package io.flowersim.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.TestFlowerSimulations;
import io.flowersim.operator.ControllerPods;
import io.flowersim.operator.OperatorSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RayNetworkPolicyDependentResourceTest {

  static final ControllerPods CONTROLLERS = new ControllerPods(
      new ControllerPods.Pods("ray-system",
          Map.of("app.kubernetes.io/component", "kuberay-operator")),
      new ControllerPods.Pods("ops", Map.of("app.kubernetes.io/name", "flowersim-operator")));

  @Test
  void selectsEveryPodOfTheRayJobAndAdmitsOnlyThemAndTheControllers() {
    FlowerSimulation sim = TestFlowerSimulations.full();
    NetworkPolicy policy = RayNetworkPolicyDependentResource.build(sim, CONTROLLERS);

    assertThat(policy.getMetadata().getName()).isEqualTo(sim.getMetadata().getName() + "-ray");
    assertThat(policy.getMetadata().getNamespace()).isEqualTo(sim.getMetadata().getNamespace());
    assertThat(policy.getMetadata().getLabels()).containsAllEntriesOf(ManagedLabels.labels());
    Map<String, String> selected = policy.getSpec().getPodSelector().getMatchLabels();
    assertThat(policy.getSpec().getPodSelector().getMatchExpressions()).isNullOrEmpty();
    // The selector picks the head, every worker and the submitter the template makes, and would
    // pick no other simulation's pods.
    RayJob job = new RayJobTemplate(OperatorSettings.defaults()).build(sim);
    List<PodTemplateSpec> pods = new ArrayList<>();
    pods.add(job.getSpec().rayClusterSpec.headGroupSpec.template);
    job.getSpec().rayClusterSpec.workerGroupSpecs.forEach(w -> pods.add(w.template));
    pods.add(job.getSpec().submitterPodTemplate);
    assertThat(pods).allSatisfy(p ->
        assertThat(p.getMetadata().getLabels()).containsAllEntriesOf(selected));
    FlowerSimulation other = TestFlowerSimulations.full();
    other.getMetadata().setName("other");
    assertThat(new RayJobTemplate(OperatorSettings.defaults()).build(other).getSpec()
        .submitterPodTemplate.getMetadata().getLabels()).doesNotContainEntry(
            ManagedLabels.SIMULATION, sim.getMetadata().getName());

    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getEgress()).isNullOrEmpty();
    assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
      assertThat(rule.getPorts()).isNullOrEmpty();
      List<NetworkPolicyPeer> from = rule.getFrom();
      assertThat(from).hasSize(3).allSatisfy(peer -> assertThat(peer.getIpBlock()).isNull());
      assertThat(from.get(0).getNamespaceSelector()).isNull();
      assertThat(from.get(0).getPodSelector().getMatchLabels()).isEqualTo(selected);
      assertPinned(from.get(1), "ray-system", "app.kubernetes.io/component", "kuberay-operator");
      assertPinned(from.get(2), "ops", "app.kubernetes.io/name", "flowersim-operator");
    });
  }

  /** A peer in one named namespace only, with the given pod label. */
  static void assertPinned(NetworkPolicyPeer peer, String namespace, String key, String value) {
    assertThat(peer.getNamespaceSelector().getMatchLabels())
        .isEqualTo(Map.of("kubernetes.io/metadata.name", namespace));
    assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(Map.of(key, value));
  }
}

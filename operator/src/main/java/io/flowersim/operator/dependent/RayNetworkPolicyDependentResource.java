package io.flowersim.operator.dependent;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.operator.ControllerPods;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/**
 * Who may connect to a simulation's Ray pods (head, workers, job submitter): those pods
 * themselves, KubeRay's operator and the flowersim operator, nothing else. Without it any pod
 * that reaches the head could submit a job through the dashboard, run code as the runtime and
 * write the history. Egress is left open: the runtime talks to the API server, and a task may
 * read its data from anywhere. Enforced only by a CNI that implements NetworkPolicy.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class RayNetworkPolicyDependentResource
    extends CRUDKubernetesDependentResource<NetworkPolicy, FlowerSimulation> {

  /** The label every namespace carries, set by the API server: a name that cannot be forged. */
  static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

  public RayNetworkPolicyDependentResource() {
    super(NetworkPolicy.class);
  }

  @Override
  protected NetworkPolicy desired(FlowerSimulation sim, Context<FlowerSimulation> context) {
    return build(sim, Settings.of(context).controllers());
  }

  static NetworkPolicy build(FlowerSimulation sim, ControllerPods controllers) {
    LabelSelector simulationPods = new LabelSelectorBuilder()
        .withMatchLabels(Map.of(ManagedLabels.SIMULATION, new ResourceNames(sim).podLabel()))
        .build();
    return new NetworkPolicyBuilder()
        .withMetadata(ManagedLabels.metadata(new ResourceNames(sim).networkPolicy(), sim))
        .withNewSpec()
        .withPodSelector(simulationPods)
        .withPolicyTypes("Ingress")
        .addNewIngress()
        .withFrom(new NetworkPolicyPeerBuilder().withPodSelector(simulationPods).build(),
            peer(controllers.kubeRay()), peer(controllers.flowersim()))
        .endIngress()
        .endSpec()
        .build();
  }

  private static NetworkPolicyPeer peer(ControllerPods.Pods pods) {
    return new NetworkPolicyPeerBuilder()
        .withNamespaceSelector(new LabelSelectorBuilder()
            .withMatchLabels(Map.of(NAMESPACE_NAME, pods.namespace())).build())
        .withPodSelector(new LabelSelectorBuilder().withMatchLabels(pods.labels()).build())
        .build();
  }
}

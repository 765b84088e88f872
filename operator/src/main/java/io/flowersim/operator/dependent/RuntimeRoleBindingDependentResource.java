package io.flowersim.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Grants the runtime's Role to its ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class RuntimeRoleBindingDependentResource
    extends CRUDKubernetesDependentResource<RoleBinding, FlowerSimulation> {

  public RuntimeRoleBindingDependentResource() {
    super(RoleBinding.class);
  }

  @Override
  protected RoleBinding desired(FlowerSimulation sim, Context<FlowerSimulation> context) {
    ResourceNames names = new ResourceNames(sim);
    return new RoleBindingBuilder()
        .withMetadata(ManagedLabels.metadata(names.runtime(), sim))
        .withNewRoleRef("rbac.authorization.k8s.io", "Role", names.runtime())
        .addNewSubject().withKind("ServiceAccount").withName(names.runtime())
        .withNamespace(sim.getMetadata().getNamespace()).endSubject()
        .build();
  }
}

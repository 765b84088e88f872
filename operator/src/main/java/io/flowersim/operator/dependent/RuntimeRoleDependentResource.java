package io.flowersim.operator.dependent;

import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** What the runtime may do: read and patch its own history ConfigMap, nothing else. */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class RuntimeRoleDependentResource
    extends CRUDKubernetesDependentResource<Role, FlowerSimulation> {

  public RuntimeRoleDependentResource() {
    super(Role.class);
  }

  @Override
  protected Role desired(FlowerSimulation sim, Context<FlowerSimulation> context) {
    ResourceNames names = new ResourceNames(sim);
    return new RoleBuilder()
        .withMetadata(ManagedLabels.metadata(names.runtime(), sim))
        .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
            .withResourceNames(names.historyConfigMap()).withVerbs("get", "patch").build())
        .build();
  }
}

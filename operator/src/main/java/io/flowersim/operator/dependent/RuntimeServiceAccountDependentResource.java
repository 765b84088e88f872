package io.flowersim.operator.dependent;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The identity the runtime (the Ray head's job) talks to the API server with. */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class RuntimeServiceAccountDependentResource
    extends CRUDKubernetesDependentResource<ServiceAccount, FlowerSimulation> {

  public RuntimeServiceAccountDependentResource() {
    super(ServiceAccount.class);
  }

  @Override
  protected ServiceAccount desired(FlowerSimulation sim, Context<FlowerSimulation> context) {
    return new ServiceAccountBuilder()
        .withMetadata(ManagedLabels.metadata(new ResourceNames(sim).runtime(), sim)).build();
  }
}

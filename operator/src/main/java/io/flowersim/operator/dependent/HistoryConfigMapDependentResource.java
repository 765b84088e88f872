package io.flowersim.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;

/**
 * The history ConfigMap, created empty. A Creator and not an Updater: the runtime writes its data,
 * and a later reconcile must never put it back to empty.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class HistoryConfigMapDependentResource
    extends KubernetesDependentResource<ConfigMap, FlowerSimulation>
    implements Creator<ConfigMap, FlowerSimulation>, GarbageCollected<FlowerSimulation> {

  public HistoryConfigMapDependentResource() {
    super(ConfigMap.class);
  }

  @Override
  protected ConfigMap desired(FlowerSimulation sim, Context<FlowerSimulation> context) {
    return new ConfigMapBuilder()
        .withMetadata(ManagedLabels.metadata(new ResourceNames(sim).historyConfigMap(), sim))
        .build();
  }
}

package io.flowersim.operator.validation;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/**
 * Precondition of every dependent: nothing is made for a spec the validator refuses. Once a run
 * has started (its RayJob or history exists) a later invalid edit changes nothing, since JOSDK
 * deletes a dependent whose precondition fails: the run goes on with the spec it started with.
 * The verdict is the reconcile's one {@link SpecValidation}, not a validation per dependent.
 */
public class SpecAcceptedCondition implements Condition<Object, FlowerSimulation> {

  @Override
  public boolean isMet(DependentResource<Object, FlowerSimulation> dependentResource,
      FlowerSimulation sim, Context<FlowerSimulation> context) {
    return SpecValidation.in(context).valid()
        || context.getSecondaryResource(RayJob.class).isPresent()
        || context.getSecondaryResource(ConfigMap.class).isPresent();
  }
}

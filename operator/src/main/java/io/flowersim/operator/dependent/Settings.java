package io.flowersim.operator.dependent;

import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.operator.OperatorSettings;
import io.javaoperatorsdk.operator.api.reconciler.Context;

/**
 * JOSDK makes the dependents itself (no constructor arguments), so the reconciler hands them the
 * operator's settings through the reconcile context, before the workflow runs.
 */
public final class Settings {

  private static final String KEY = OperatorSettings.class.getName();

  private Settings() {}

  public static void put(Context<FlowerSimulation> context, OperatorSettings settings) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, settings);
  }

  static OperatorSettings of(Context<FlowerSimulation> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY,
        OperatorSettings.class);
  }
}

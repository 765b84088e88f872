package io.flowersim.operator.validation;

import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.validation.FlowerSimulationValidator;
import io.flowersim.api.v1alpha1.validation.ValidationError;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.List;

/**
 * What the shared validator says about a simulation's spec, judged once per reconcile: before
 * the workflow runs, the reconciler puts it into the reconcile context, where every dependent's
 * precondition and the status read the same verdict.
 *
 * @param errors the validator's errors, each naming its field; empty when the spec is valid
 */
public record SpecValidation(List<String> errors) {

  private static final String KEY = SpecValidation.class.getName();

  public SpecValidation {
    errors = List.copyOf(errors);
  }

  public static SpecValidation of(FlowerSimulation sim) {
    return new SpecValidation(FlowerSimulationValidator.validate(sim).stream()
        .map(ValidationError::toString).toList());
  }

  public boolean valid() {
    return errors.isEmpty();
  }

  /**
   * Whether the spec keeps the simulation from running at all: invalid before its RayJob exists.
   * Once it exists, the run goes on with the spec it started with.
   */
  public boolean refusesRun(RayJob job) {
    return !valid() && job == null;
  }

  public void putInto(Context<FlowerSimulation> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, this);
  }

  public static SpecValidation in(Context<FlowerSimulation> context) {
    return context.managedWorkflowAndDependentResourceContext().getMandatory(KEY,
        SpecValidation.class);
  }
}

package io.flowersim.operator.dependent;

import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.ReconcileResult;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.List;
import java.util.Objects;

/**
 * The KubeRay RayJob. Once it exists only spec.suspend follows the simulation: KubeRay builds
 * the cluster from the RayJob once, and the runtime read its spec at start, so the run goes on
 * with the spec it started with (the reconciler reports a later change, Validated=False). A RayJob
 * that Kueue manages (it names a queue) is never suspended or resumed here: that is Kueue's
 * admission decision.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class RayJobDependentResource
    extends CRUDKubernetesDependentResource<RayJob, FlowerSimulation> {

  public RayJobDependentResource() {
    super(RayJob.class);
  }

  /**
   * A finished simulation never gets a new RayJob: if its RayJob is gone (deleted by a user or a
   * TTL), creating it again would run the whole simulation a second time.
   */
  @Override
  public ReconcileResult<RayJob> reconcile(FlowerSimulation sim,
      Context<FlowerSimulation> context) {
    if (finished(sim) && getSecondaryResource(sim, context).isEmpty()) {
      return ReconcileResult.aggregatedResult(List.of());
    }
    return super.reconcile(sim, context);
  }

  private static boolean finished(FlowerSimulation sim) {
    return sim.getStatus() != null && (sim.getStatus().phase == SimulationPhase.Succeeded
        || sim.getStatus().phase == SimulationPhase.Failed);
  }

  @Override
  protected RayJob desired(FlowerSimulation sim, Context<FlowerSimulation> context) {
    return new RayJobTemplate(Settings.of(context)).build(sim);
  }

  @Override
  public Matcher.Result<RayJob> match(RayJob actual, RayJob desired, FlowerSimulation sim,
      Context<FlowerSimulation> context) {
    boolean matched = ManagedLabels.queued(actual)
        || Objects.equals(suspend(actual), Boolean.TRUE.equals(desired.getSpec().suspend));
    return Matcher.Result.computed(matched, desired);
  }

  @Override
  public RayJob update(RayJob actual, RayJob desired, FlowerSimulation sim,
      Context<FlowerSimulation> context) {
    String patch = "{\"spec\":{\"suspend\":" + Boolean.TRUE.equals(desired.getSpec().suspend)
        + "}}";
    return context.getClient().resources(RayJob.class)
        .inNamespace(actual.getMetadata().getNamespace())
        .withName(actual.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  private static boolean suspend(RayJob job) {
    return job.getSpec() != null && Boolean.TRUE.equals(job.getSpec().suspend);
  }
}

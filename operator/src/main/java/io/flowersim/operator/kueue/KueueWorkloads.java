package io.flowersim.operator.kueue;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.operator.ApiDiscovery;
import io.flowersim.operator.dependent.ResourceNames;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.GroupVersionKind;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kueue's Workloads as a secondary resource: Kueue makes one per queued RayJob (owned by it) and
 * writes its admission into the Workload's conditions, so a change there must reconcile the
 * simulation. Watched only when the API server serves Kueue's Workload API at start: without
 * Kueue the operator runs as before.
 */
public final class KueueWorkloads {

  public static final String GROUP = "kueue.x-k8s.io";
  public static final String KIND = "Workload";
  static final String PLURAL = "workloads";
  static final String EVENT_SOURCE = "kueue-workloads";

  private static final Logger LOG = LoggerFactory.getLogger(KueueWorkloads.class);

  private KueueWorkloads() {}

  /**
   * The Workload informer, or empty when Kueue is not installed. The version is the one the API
   * server prefers (v1beta2 for Kueue 0.15 and later, v1beta1 before); the conditions read here
   * are the same in both.
   */
  public static Optional<InformerEventSource<GenericKubernetesResource, FlowerSimulation>>
      eventSource(EventSourceContext<FlowerSimulation> context) {
    return servedVersion(context.getClient()).map(version -> {
      LOG.info("watching Kueue Workloads ({}/{})", GROUP, version);
      var configuration = InformerEventSourceConfiguration
          .from(new GroupVersionKind(GROUP, version, KIND), FlowerSimulation.class)
          .withName(EVENT_SOURCE)
          .withSecondaryToPrimaryMapper(workload -> owningSimulation(workload, context))
          .build();
      return new InformerEventSource<>(configuration, context);
    });
  }

  /** The preferred version of Kueue's API group, if it serves Workloads. */
  static Optional<String> servedVersion(KubernetesClient client) {
    try {
      APIGroup group = client.getApiGroup(GROUP);
      if (group == null || group.getPreferredVersion() == null) {
        return Optional.empty();
      }
      return ApiDiscovery.serves(client, group.getPreferredVersion().getGroupVersion(), PLURAL)
          ? Optional.of(group.getPreferredVersion().getVersion()) : Optional.empty();
    } catch (KubernetesClientException e) {
      LOG.info("Kueue's API is not readable ({}): simulations with spec.queueName will say so",
          e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The simulation whose RayJob owns the Workload. A RayJob's name is the simulation's unless it
   * had to be shortened, so the simulations of the namespace are matched by their RayJob name.
   */
  private static Set<ResourceID> owningSimulation(GenericKubernetesResource workload,
      EventSourceContext<FlowerSimulation> context) {
    String namespace = workload.getMetadata().getNamespace();
    return workload.getMetadata().getOwnerReferences().stream()
        .filter(KueueWorkloads::isRayJob)
        .flatMap(owner -> context.getPrimaryCache().list(namespace)
            .filter(sim -> new ResourceNames(sim).rayJob().equals(owner.getName())))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static boolean isRayJob(OwnerReference owner) {
    return RayJob.KIND.equals(owner.getKind()) && owner.getApiVersion() != null
        && owner.getApiVersion().startsWith(RayJob.GROUP + "/");
  }

  /**
   * What Kueue says about this RayJob; {@link KueueAdmission#kueueMissing()} when Workloads are
   * not watched. A Workload left from an earlier RayJob of the same name is not this one's.
   */
  public static KueueAdmission admission(RayJob job, Context<FlowerSimulation> context,
      boolean watched) {
    if (!watched) {
      return KueueAdmission.kueueMissing();
    }
    String uid = job.getMetadata().getUid();
    return context.getSecondaryResourcesAsStream(GenericKubernetesResource.class)
        .filter(w -> w.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> isRayJob(o) && o.getUid() != null && o.getUid().equals(uid)))
        .findFirst()
        .map(KueueAdmission::of)
        .orElseGet(KueueAdmission::noWorkload);
  }
}

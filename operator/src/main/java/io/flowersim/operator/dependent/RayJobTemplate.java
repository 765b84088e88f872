package io.flowersim.operator.dependent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.flowersim.api.kuberay.RayClusterSpec;
import io.flowersim.api.kuberay.RayHeadGroupSpec;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.kuberay.RayJobSpec;
import io.flowersim.api.kuberay.RayWorkerGroupSpec;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.handover.RuntimeEnvironment;
import io.flowersim.api.v1alpha1.spec.CheckpointSpec;
import io.flowersim.api.v1alpha1.spec.ClusterSpec;
import io.flowersim.api.v1alpha1.spec.DataSpec;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.spec.HeadGroupSpec;
import io.flowersim.api.v1alpha1.handover.WorkerGroupResource;
import io.flowersim.api.v1alpha1.spec.ClientGroupSpec;
import io.flowersim.api.v1alpha1.spec.WorkerGroupSpec;
import io.flowersim.operator.OperatorSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The RayJob that runs a simulation: a head pod that runs the runtime (io.flowersim.runtime.Main)
 * as the Ray job's driver, and one Ray worker group per spec.cluster.workerGroups entry.
 */
public final class RayJobTemplate {

  public static final String RAY_VERSION = "2.39.0";
  public static final String HEAD_CONTAINER = "ray-head";
  public static final String WORKER_CONTAINER = "ray-worker";
  /** KubeRay's name for it; KubeRay fills in its command (ray job submit) when none is given. */
  public static final String SUBMITTER_CONTAINER = "ray-job-submitter";
  public static final String DATA_VOLUME = "data";
  public static final String CHECKPOINT_VOLUME = "checkpoints";
  public static final String TMP_VOLUME = "tmp";
  /** The runtime image's user (ray, as in Ray's own images). */
  public static final long RUNTIME_UID = 1000;
  public static final String GPU_RESOURCE = "nvidia.com/gpu";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final OperatorSettings settings;

  public RayJobTemplate(OperatorSettings settings) {
    this.settings = settings;
  }

  public RayJob build(FlowerSimulation sim) {
    FlowerSimulationSpec spec = sim.getSpec();
    ResourceNames names = new ResourceNames(sim);
    RayJob job = new RayJob();
    Map<String, String> labels = new LinkedHashMap<>(ManagedLabels.labels());
    if (spec.queueName != null) {
      labels.put(ManagedLabels.KUEUE_QUEUE_NAME, spec.queueName);
    }
    job.setMetadata(new ObjectMetaBuilder().withName(names.rayJob())
        .withNamespace(sim.getMetadata().getNamespace()).withLabels(labels).build());

    RayJobSpec js = job.getSpec();
    js.entrypoint = settings.runtimeCommand();
    js.shutdownAfterJobFinishes = true;
    // Kueue hands a finished workload's quota to the next one at once: a finished cluster kept
    // for its logs would hold the nodes that the next admitted simulation's pods need.
    js.ttlSecondsAfterFinished = spec.queueName != null ? 0 : settings.ttlSecondsAfterFinished();
    js.activeDeadlineSeconds = activeDeadlineSeconds(spec);
    if (checkpointClaim(spec) != null) {
      // A Ray job that fails (its head pod lost, say) starts again on a new Ray cluster and
      // continues after its newest checkpoint; without a claim it would begin at round 1.
      js.backoffLimit = CheckpointSpec.RAY_JOB_RETRIES;
    }
    // Kueue admits a queued RayJob by unsuspending it, so one that names a queue starts suspended.
    js.suspend = Boolean.TRUE.equals(spec.suspend) || spec.queueName != null;

    ClusterSpec cluster = spec.cluster == null ? new ClusterSpec() : spec.cluster;
    String image = spec.image != null && !spec.image.isBlank() ? spec.image
        : settings.runtimeImage();
    RayClusterSpec rc = new RayClusterSpec();
    rc.rayVersion = RAY_VERSION;
    rc.headGroupSpec = head(sim, cluster, image, names);
    for (WorkerGroupSpec group : cluster.workerGroups) {
      rc.workerGroupSpecs.add(worker(sim, group, image));
    }
    js.rayClusterSpec = rc;
    js.submitterPodTemplate = submitter(sim, cluster, image);
    return job;
  }

  /**
   * KubeRay's job submitter, a pod that only runs `ray job submit` and follows the job: placed
   * with the head (it must run where the head's image and network are) and sized for that, not
   * with KubeRay's default of half a CPU.
   */
  private static PodTemplateSpec submitter(FlowerSimulation sim, ClusterSpec cluster,
      String image) {
    HeadGroupSpec head = cluster.head;
    PodSpecBuilder pod = restricted(new PodSpecBuilder(), false)
        .withRestartPolicy("Never")
        .withPriorityClassName(sim.getSpec().priorityClassName)
        .withNodeSelector(head == null || head.nodeSelector.isEmpty() ? null : head.nodeSelector)
        .withTolerations(head == null || head.tolerations.isEmpty() ? null : head.tolerations);
    ContainerBuilder container = restricted(new ContainerBuilder()).withName(SUBMITTER_CONTAINER)
        .withImage(image).withResources(new ResourceRequirementsBuilder()
            .addToRequests("cpu", new Quantity("100m"))
            .addToRequests("memory", new Quantity("256Mi"))
            .addToLimits("cpu", new Quantity("1"))
            .addToLimits("memory", new Quantity("1Gi")).build());
    writableTmp(pod, container);
    return template(sim, pod.withContainers(container.build()));
  }

  /**
   * Pod Security's restricted profile: the image's unprivileged user, RuntimeDefault seccomp.
   * Only the head, which writes the history ConfigMap, gets a service-account token.
   */
  static PodSpecBuilder restricted(PodSpecBuilder pod, boolean needsToken) {
    return pod.withAutomountServiceAccountToken(needsToken ? null : Boolean.FALSE)
        .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(RUNTIME_UID)
        .withRunAsGroup(RUNTIME_UID).withNewSeccompProfile().withType("RuntimeDefault")
        .endSeccompProfile().endSecurityContext();
  }

  /**
   * No privilege escalation, no capabilities (restricted), and a read-only root filesystem: what
   * Ray writes goes to {@link #writableTmp}.
   */
  static ContainerBuilder restricted(ContainerBuilder container) {
    return container.withNewSecurityContext().withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities().withDrop("ALL").endCapabilities().endSecurityContext();
  }

  /**
   * /tmp as an emptyDir, the one writable path: Ray's temp dir (/tmp/ray: sessions, logs,
   * sockets, spilled objects) and the JVM's. No size limit: spilled objects can be large, and the
   * writable layer it replaces had none either.
   */
  static void writableTmp(PodSpecBuilder pod, ContainerBuilder container) {
    pod.addNewVolume().withName(TMP_VOLUME).withNewEmptyDir().endEmptyDir().endVolume();
    container.addNewVolumeMount().withName(TMP_VOLUME).withMountPath("/tmp").endVolumeMount();
  }

  /** spec.data: the claim, read-only, in every Ray pod. */
  private static void mountData(PodSpecBuilder pod, ContainerBuilder container, DataSpec data) {
    if (data == null) {
      return;
    }
    pod.addNewVolume().withName(DATA_VOLUME).withNewPersistentVolumeClaim()
        .withClaimName(data.persistentVolumeClaim.claimName).withReadOnly(true)
        .endPersistentVolumeClaim().endVolume();
    container.addNewVolumeMount().withName(DATA_VOLUME).withMountPath(data.mountPathOrDefault())
        .withReadOnly(true).endVolumeMount();
  }

  /** spec.checkpoint.persistentVolumeClaim's name, null without one. */
  private static String checkpointClaim(FlowerSimulationSpec spec) {
    return spec.checkpoint == null || spec.checkpoint.persistentVolumeClaim == null ? null
        : spec.checkpoint.persistentVolumeClaim.claimName;
  }

  /** The simulation's own directory on the checkpoint claim, as the head pod sees it. */
  public static String checkpointDirectory(FlowerSimulation sim) {
    return CheckpointSpec.MOUNT_PATH + "/" + sim.getMetadata().getNamespace() + "/"
        + sim.getMetadata().getName();
  }

  /**
   * spec.checkpoint.persistentVolumeClaim: the claim, read-write, in the head pod only (only the
   * runtime writes checkpoints), and the runtime told its directory. The claim's root is mounted
   * and the runtime makes its own directory: a subPath the kubelet has to create is root's, which
   * the image's unprivileged user could not write on volumes without ownership management
   * (hostPath, NFS); fsGroup makes the root group-writable on those with it.
   */
  private static void mountCheckpoints(FlowerSimulation sim, PodSpecBuilder pod,
      ContainerBuilder container, List<EnvVar> env) {
    String claim = checkpointClaim(sim.getSpec());
    if (claim == null) {
      return;
    }
    pod.addNewVolume().withName(CHECKPOINT_VOLUME).withNewPersistentVolumeClaim()
        .withClaimName(claim).endPersistentVolumeClaim().endVolume();
    pod.editSecurityContext().withFsGroup(RUNTIME_UID).withFsGroupChangePolicy("OnRootMismatch")
        .endSecurityContext();
    container.addNewVolumeMount().withName(CHECKPOINT_VOLUME)
        .withMountPath(CheckpointSpec.MOUNT_PATH).endVolumeMount();
    env.add(new EnvVar(RuntimeEnvironment.CHECKPOINT_DIR, checkpointDirectory(sim), null));
  }

  /** The rounds at their time limit plus time to provision: past this KubeRay fails the job. */
  int activeDeadlineSeconds(FlowerSimulationSpec spec) {
    long seconds = (long) spec.rounds * spec.roundTimeoutSecondsOrDefault()
        + settings.provisioningSeconds();
    return (int) Math.min(Integer.MAX_VALUE, seconds);
  }

  private RayHeadGroupSpec head(FlowerSimulation sim, ClusterSpec cluster, String image,
      ResourceNames names) {
    RayHeadGroupSpec head = new RayHeadGroupSpec();
    // The job is submitted through the dashboard, and KubeRay's operator follows it there: it
    // must listen on the pod's network (its IP or 0.0.0.0 alike: the pod has no other), and the
    // simulation's NetworkPolicy decides who may connect.
    head.rayStartParams.put("dashboard-host", "0.0.0.0");
    if (!cluster.workerGroups.isEmpty()) {
      // Clients go to the workers; the head keeps its CPUs for the server and Ray's own services.
      head.rayStartParams.put("num-cpus", "0");
    }
    ResourceRequirementsBuilder resources = new ResourceRequirementsBuilder();
    if (cluster.head != null) {
      if (cluster.head.cpus != null) {
        Quantity cpu = new Quantity(number(cluster.head.cpus));
        resources.addToRequests("cpu", cpu).addToLimits("cpu", cpu);
      }
      if (cluster.head.memory != null) {
        resources.addToRequests("memory", cluster.head.memory)
            .addToLimits("memory", cluster.head.memory);
      }
    }
    List<EnvVar> env = new ArrayList<>(List.of(
        new EnvVar(RuntimeEnvironment.SIMULATION, simulationJson(sim), null),
        new EnvVar(RuntimeEnvironment.HISTORY_CONFIGMAP, names.historyConfigMap(), null),
        new EnvVar(RuntimeEnvironment.NAMESPACE, sim.getMetadata().getNamespace(), null),
        new EnvVar(RuntimeEnvironment.BACKEND, "ray", null),
        new EnvVar(RuntimeEnvironment.RAY_ADDRESS, "auto", null)));
    HeadGroupSpec placement = cluster.head;
    PodSpecBuilder pod = restricted(new PodSpecBuilder(), true)
        .withServiceAccountName(names.runtime())
        .withPriorityClassName(sim.getSpec().priorityClassName)
        .withNodeSelector(placement == null || placement.nodeSelector.isEmpty() ? null
            : placement.nodeSelector)
        .withTolerations(placement == null || placement.tolerations.isEmpty() ? null
            : placement.tolerations);
    ContainerBuilder container = restricted(new ContainerBuilder()).withName(HEAD_CONTAINER)
        .withImage(image)
        .withResources(resources.build());
    writableTmp(pod, container);
    mountData(pod, container, sim.getSpec().data);
    mountCheckpoints(sim, pod, container, env);
    container.withEnv(env);
    head.template = template(sim, pod.withContainers(container.build()));
    return head;
  }

  private static RayWorkerGroupSpec worker(FlowerSimulation sim,
      WorkerGroupSpec group, String image) {
    RayWorkerGroupSpec worker = new RayWorkerGroupSpec();
    worker.groupName = group.name;
    worker.replicas = group.replicas == null ? 1 : group.replicas;
    worker.minReplicas = group.minReplicas == null ? worker.replicas : group.minReplicas;
    worker.maxReplicas = group.maxReplicas == null ? Math.max(worker.replicas, worker.minReplicas)
        : group.maxReplicas;
    ResourceRequirementsBuilder resources = new ResourceRequirementsBuilder();
    if (group.cpus != null) {
      Quantity cpu = new Quantity(number(group.cpus));
      resources.addToRequests("cpu", cpu).addToLimits("cpu", cpu);
      // Ray counts whole CPUs; a pod with less than one still offers one client slot.
      worker.rayStartParams.put("num-cpus", Long.toString(Math.max(1, (long) Math.floor(group.cpus))));
    }
    if (group.memory != null) {
      resources.addToRequests("memory", group.memory).addToLimits("memory", group.memory);
    }
    int gpus = group.gpus == null ? 0 : group.gpus;
    if (gpus > 0) {
      resources.addToLimits(GPU_RESOURCE, new Quantity(Integer.toString(gpus)));
    }
    worker.rayStartParams.put("num-gpus", Integer.toString(gpus));
    if (pinsClientGroups(sim, group.name)) {
      // ray start takes the custom resources as JSON; KubeRay hands the value to a shell.
      worker.rayStartParams.put("resources", "'{\"" + WorkerGroupResource.of(group.name) + "\": "
          + WorkerGroupResource.CAPACITY + "}'");
    }
    PodSpecBuilder pod = restricted(new PodSpecBuilder(), false)
        .withPriorityClassName(sim.getSpec().priorityClassName)
        .withNodeSelector(group.nodeSelector.isEmpty() ? null : group.nodeSelector)
        .withTolerations(group.tolerations.isEmpty() ? null : group.tolerations);
    ContainerBuilder container = restricted(new ContainerBuilder()).withName(WORKER_CONTAINER)
        .withImage(image)
        .withResources(resources.build());
    writableTmp(pod, container);
    mountData(pod, container, sim.getSpec().data);
    worker.template = template(sim, pod.withContainers(container.build()));
    return worker;
  }

  /** Whether a client group runs only on worker group {@code name} (spec.clients.groups). */
  static boolean pinsClientGroups(FlowerSimulation sim, String name) {
    List<ClientGroupSpec> groups = sim.getSpec().clients == null ? null
        : sim.getSpec().clients.groups;
    return groups != null && groups.stream().anyMatch(g -> g != null
        && name.equals(g.workerGroup));
  }

  private static PodTemplateSpec template(FlowerSimulation sim, PodSpecBuilder pod) {
    Map<String, String> labels = new LinkedHashMap<>(ManagedLabels.labels());
    labels.put(ManagedLabels.SIMULATION, new ResourceNames(sim).podLabel());
    return new PodTemplateSpecBuilder().withNewMetadata().withLabels(labels)
        .endMetadata().withSpec(pod.build()).build();
  }

  /**
   * The simulation as the runtime reads it: apiVersion, kind, name, namespace and spec only, so
   * that it does not change when the operator writes the status.
   */
  static String simulationJson(FlowerSimulation sim) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("apiVersion", FlowerSimulation.API_VERSION);
    doc.put("kind", FlowerSimulation.KIND);
    ObjectNode metadata = doc.putObject("metadata");
    metadata.put("name", sim.getMetadata().getName());
    metadata.put("namespace", sim.getMetadata().getNamespace());
    doc.set("spec", JSON.valueToTree(sim.getSpec()));
    return doc.toString();
  }

  /**
   * The spec a RayJob was made from, read back from its head pod's environment; empty when the
   * RayJob was not made by this template.
   */
  public static Optional<JsonNode> startedSpec(RayJob job) {
    if (job.getSpec() == null || job.getSpec().rayClusterSpec == null
        || job.getSpec().rayClusterSpec.headGroupSpec == null
        || job.getSpec().rayClusterSpec.headGroupSpec.template == null) {
      return Optional.empty();
    }
    return job.getSpec().rayClusterSpec.headGroupSpec.template.getSpec().getContainers().stream()
        .filter(c -> c.getEnv() != null)
        .flatMap(c -> c.getEnv().stream())
        .filter(e -> RuntimeEnvironment.SIMULATION.equals(e.getName()) && e.getValue() != null)
        .findFirst()
        .flatMap(e -> {
          try {
            return Optional.ofNullable(JSON.readTree(e.getValue()).get("spec"));
          } catch (IOException ex) {
            return Optional.empty();
          }
        });
  }

  /**
   * The spec as {@link #startedSpec} returns it, for comparing the two: through text, so that
   * numbers get the same node types (a long seed read back from text is an int node).
   */
  public static JsonNode specTree(FlowerSimulationSpec spec) {
    try {
      return JSON.readTree(JSON.writeValueAsString(spec));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the spec as JSON", e);
    }
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}

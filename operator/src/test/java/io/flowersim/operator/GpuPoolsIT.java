package io.flowersim.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.handover.RuntimeEnvironment;
import io.flowersim.api.v1alpha1.handover.WorkerGroupResource;
import io.flowersim.api.v1alpha1.spec.ClientGroupSpec;
import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.api.v1alpha1.spec.WorkerGroupSpec;
import io.flowersim.api.v1alpha1.status.FlowerSimulationStatus;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.testing.ExternalSystem;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole chain on scripts/kube-control-plane.sh start --full, with only the nodes faked:
 * examples/gpu-pools.yaml → our RayJob → the real KubeRay operator's RayCluster → head and worker
 * pods placed by the real kube-scheduler on KWOK's GPU pools (node selector + the GPU taint's
 * toleration) → Running (KWOK) → our status Provisioning, then Running with KubeRay's cluster.
 * No Ray process runs in KWOK's pods; the runtime is FlowerSimulationOperatorIT's.
 */
// The timed test first: the other one's pods, still going away, would take room on the H100s.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GpuPoolsIT {

  static final String EXAMPLE = "examples/gpu-pools.yaml";
  static final String GPU_PRODUCT = "nvidia.com/gpu.product";
  static final String GPU = "nvidia.com/gpu";
  static final String POOL = "flowersim.io/node-pool";
  static final Duration WAIT = Duration.ofSeconds(120);
  static final ResourceDefinitionContext RAY_CLUSTER = new ResourceDefinitionContext.Builder()
      .withGroup(RayJob.GROUP).withVersion(RayJob.VERSION).withKind("RayCluster")
      .withPlural("rayclusters").withNamespaced(true).build();

  static KubernetesClient client;
  static KubernetesClient operatorClient;

  @BeforeAll
  static void connect() {
    client = KubeApiServer.connect();
    FlowerSimulation example = example();
    for (WorkerGroupSpec group : example.getSpec().cluster.workerGroups) {
      requireReadyNodes(group.nodeSelector.get(GPU_PRODUCT));
    }
    operatorClient = KubeApiServer.asOperator(client);
  }

  @AfterAll
  static void disconnect() {
    if (operatorClient != null) {
      operatorClient.close();
    }
  }

  /** KWOK's fake nodes of `start --full` carry the example's GPU products. */
  static void requireReadyNodes(String product) {
    boolean ready = client.nodes().withLabel(GPU_PRODUCT, product).list().getItems().stream()
        .anyMatch(KubeApiServer::ready);
    if (!ready) {
      ExternalSystem.unavailable("the GPU pool tests", "no Ready node labelled " + GPU_PRODUCT
          + "=" + product + " (KWOK's fake GPU pools, the scheduler and the KubeRay operator "
          + "come with scripts/kube-control-plane.sh start --full)");
    }
  }

  /**
   * The example as a user applies it, less its Kueue fields (KueueIT and RealNodeIT cover those;
   * here no queue would admit it), with the head on the CPU pool as Kueue's cpu flavor of
   * examples/cluster-setup would place it.
   */
  static FlowerSimulation example() {
    FlowerSimulation sim = KubeApiServer.loadExample(client, EXAMPLE);
    sim.getSpec().queueName = null;
    sim.getSpec().priorityClassName = null;
    sim.getSpec().cluster.head.nodeSelector.put(POOL, "cpu");
    sim.getSpec().cluster.head.tolerations.add(new TolerationBuilder().withKey(POOL)
        .withOperator("Equal").withValue("cpu").withEffect("NoSchedule").build());
    return sim;
  }

  @Test
  @Order(1)
  void theExamplesPodsRunOnTheirGpuPoolsAndTheStatusFollowsKubeRay() {
    String namespace = KubeApiServer.newNamespace(client, "fsim-gpu");
    List<SimulationPhase> phases = new CopyOnWriteArrayList<>();
    try (FlowerSimulationOperator operator =
        FlowerSimulationOperatorIT.startOperator(operatorClient, namespace);
        var watch = client.resources(FlowerSimulation.class).inNamespace(namespace)
            .watch(new PhaseWatcher(phases))) {
      FlowerSimulation sim = example();
      String name = sim.getMetadata().getName();
      Map<String, WorkerGroupSpec> groups = sim.getSpec().cluster.workerGroups.stream()
          .collect(Collectors.toMap(g -> g.name, Function.identity()));
      int workers = groups.values().stream().mapToInt(g -> g.replicas).sum();

      long applied = System.nanoTime();
      client.resources(FlowerSimulation.class).inNamespace(namespace).resource(sim).create();

      String cluster = awaitCluster(namespace, name);
      List<Pod> pods = awaitRunningPods(namespace, cluster, 1 + workers);
      System.out.printf("[INFO] GpuPoolsIT: apply -> %d pods Running in %.1f s%n", pods.size(),
          (System.nanoTime() - applied) / 1e9);

      Map<String, Node> nodes = client.nodes().list().getItems().stream()
          .collect(Collectors.toMap(n -> n.getMetadata().getName(), Function.identity()));
      Map<String, Long> perGroup = pods.stream().collect(Collectors.groupingBy(
          p -> p.getMetadata().getLabels().getOrDefault("ray.io/group", "?"),
          Collectors.counting()));
      assertThat(perGroup).containsEntry("headgroup", 1L);
      groups.values().forEach(g -> assertThat(perGroup).containsEntry(g.name, (long) g.replicas));
      for (Pod pod : pods) {
        Node node = nodes.get(pod.getSpec().getNodeName());
        assertThat(node).as("node of " + pod.getMetadata().getName()).isNotNull();
        Map<String, String> nodeLabels = node.getMetadata().getLabels();
        String group = pod.getMetadata().getLabels().get("ray.io/group");
        if ("head".equals(pod.getMetadata().getLabels().get("ray.io/node-type"))) {
          assertThat(nodeLabels).as("the head's node " + node.getMetadata().getName())
              .doesNotContainKey(GPU_PRODUCT);
          assertThat(node.getStatus().getCapacity()).doesNotContainKey(GPU);
          continue;
        }
        WorkerGroupSpec spec = groups.get(group);
        assertThat(spec).as("worker group of " + pod.getMetadata().getName()).isNotNull();
        assertThat(nodeLabels).as("node of " + pod.getMetadata().getName())
            .containsEntry(GPU_PRODUCT, spec.nodeSelector.get(GPU_PRODUCT));
        assertThat(pod.getSpec().getContainers().get(0).getResources().getLimits())
            .containsEntry(GPU, new Quantity(String.valueOf(spec.gpus)));
      }

      FlowerSimulationStatus running = await().atMost(WAIT).until(
          () -> status(namespace, name), s -> s != null && s.phase == SimulationPhase.Running);
      assertThat(running.rayClusterName).isEqualTo(cluster);
      assertThat(running.rayJobName).isEqualTo(name);
      // KubeRay's Initializing (our Provisioning) may pass between two reconciles here: the next
      // test holds it.
      assertThat(phases).endsWith(SimulationPhase.Running)
          .doesNotContain(SimulationPhase.Failed, SimulationPhase.Suspended);
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }

  @Test
  @Order(2)
  void whileTheGpuPoolsHaveNoRoomTheSimulationIsProvisioningThenRuns() {
    String namespace = KubeApiServer.newNamespace(client, "fsim-gpu");
    FlowerSimulation sim = example();
    String name = sim.getMetadata().getName();
    int workers = sim.getSpec().cluster.workerGroups.stream().mapToInt(g -> g.replicas).sum();
    List<String> gpuNodes = sim.getSpec().cluster.workerGroups.stream()
        .flatMap(g -> client.nodes().withLabel(GPU_PRODUCT, g.nodeSelector.get(GPU_PRODUCT))
            .list().getItems().stream())
        .map(n -> n.getMetadata().getName()).toList();
    List<SimulationPhase> phases = new CopyOnWriteArrayList<>();
    try (FlowerSimulationOperator operator =
        FlowerSimulationOperatorIT.startOperator(operatorClient, namespace);
        var watch = client.resources(FlowerSimulation.class).inNamespace(namespace)
            .watch(new PhaseWatcher(phases))) {
      setSchedulable(gpuNodes, false);
      client.resources(FlowerSimulation.class).inNamespace(namespace).resource(sim).create();
      String cluster = awaitCluster(namespace, name);
      FlowerSimulationStatus provisioning = await().atMost(WAIT).until(
          () -> status(namespace, name), s -> s != null && s.phase == SimulationPhase.Provisioning);
      assertThat(provisioning.message).contains("Initializing");
      await().atMost(WAIT).untilAsserted(() -> assertThat(clusterPods(namespace, cluster))
          .filteredOn(p -> "worker".equals(p.getMetadata().getLabels().get("ray.io/node-type")))
          .hasSize(workers)
          .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isNull()));
      assertThat(status(namespace, name).phase).isEqualTo(SimulationPhase.Provisioning);

      setSchedulable(gpuNodes, true);
      awaitRunningPods(namespace, cluster, 1 + workers);
      FlowerSimulationStatus running = await().atMost(WAIT).until(
          () -> status(namespace, name), s -> s != null && s.phase == SimulationPhase.Running);
      assertThat(running.rayClusterName).isEqualTo(cluster);
      assertThat(phases).containsSubsequence(SimulationPhase.Provisioning,
          SimulationPhase.Running);
    } finally {
      setSchedulable(gpuNodes, true);
      client.namespaces().withName(namespace).delete();
    }
  }

  /**
   * Client groups pinned to the example's worker groups: the real KubeRay turns each worker
   * group's custom resource into the ray start command of its pods, on that group's GPU pool
   * only, so Ray can place a group's actors (which ask for one unit of it) there and nowhere else.
   */
  @Test
  @Order(3)
  void eachClientGroupIsPinnedToItsWorkerGroupByARayResourceOnThatPoolsPods() {
    String namespace = KubeApiServer.newNamespace(client, "fsim-gpu");
    FlowerSimulation sim = example();
    sim.getSpec().clients.groups = List.of(clientGroup("laptops", 800, 1.0, 0.25, "h100"),
        clientGroup("workstations", 200, 4.0, 0.5, "a100"));
    String name = sim.getMetadata().getName();
    int workers = sim.getSpec().cluster.workerGroups.stream().mapToInt(g -> g.replicas).sum();
    try (FlowerSimulationOperator operator =
        FlowerSimulationOperatorIT.startOperator(operatorClient, namespace)) {
      client.resources(FlowerSimulation.class).inNamespace(namespace).resource(sim).create();
      String cluster = awaitCluster(namespace, name);
      List<Pod> pods = awaitRunningPods(namespace, cluster, 1 + workers);

      Map<String, String> poolOf = Map.of("h100", "NVIDIA-H100-80GB-HBM3",
          "a100", "NVIDIA-A100-SXM4-40GB");
      for (Pod pod : pods) {
        String command = String.join(" ", pod.getSpec().getContainers().get(0).getArgs() == null
            ? List.of() : pod.getSpec().getContainers().get(0).getArgs())
            + " " + String.join(" ", pod.getSpec().getContainers().get(0).getCommand());
        String group = pod.getMetadata().getLabels().get("ray.io/group");
        if ("head".equals(pod.getMetadata().getLabels().get("ray.io/node-type"))) {
          assertThat(command).doesNotContain(WorkerGroupResource.of("h100"))
              .doesNotContain(WorkerGroupResource.of("a100"));
          continue;
        }
        String other = group.equals("h100") ? "a100" : "h100";
        assertThat(command).as("ray start of " + pod.getMetadata().getName())
            .contains("--resources='{\"" + WorkerGroupResource.of(group) + "\": "
                + WorkerGroupResource.CAPACITY + "}'")
            .doesNotContain(WorkerGroupResource.of(other));
        assertThat(client.nodes().withName(pod.getSpec().getNodeName()).get().getMetadata()
            .getLabels()).containsEntry(GPU_PRODUCT, poolOf.get(group));
      }
      // The runtime learns the groups' worker groups from the simulation it is given.
      RayJob job = client.resources(RayJob.class).inNamespace(namespace).withName(name).get();
      String simulationEnv = job.getSpec().rayClusterSpec.headGroupSpec.template.getSpec()
          .getContainers().get(0).getEnv().stream()
          .filter(e -> e.getName().equals(RuntimeEnvironment.SIMULATION)).findFirst()
          .orElseThrow().getValue();
      assertThat(simulationEnv).contains("\"workerGroup\":\"h100\"")
          .contains("\"workerGroup\":\"a100\"");
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }

  static ClientGroupSpec clientGroup(String name, int count, double cpus, double gpus,
      String workerGroup) {
    ClientGroupSpec g = new ClientGroupSpec();
    g.name = name;
    g.count = count;
    g.resources = new ClientResources();
    g.resources.cpus = cpus;
    g.resources.gpus = gpus;
    g.workerGroup = workerGroup;
    return g;
  }

  /** Cordons or uncordons nodes, as kubectl cordon does. */
  static void setSchedulable(List<String> nodes, boolean schedulable) {
    for (String node : nodes) {
      client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE),
          "{\"spec\":{\"unschedulable\":" + (schedulable ? "null" : "true") + "}}");
    }
  }

  static FlowerSimulationStatus status(String namespace, String name) {
    return client.resources(FlowerSimulation.class).inNamespace(namespace).withName(name).get()
        .getStatus();
  }

  /** The name of the RayCluster that the real KubeRay operator made for our RayJob. */
  static String awaitCluster(String namespace, String name) {
    return awaitOrExplain("a RayCluster from the real KubeRay operator (is it running? "
        + "scripts/kube-control-plane.sh start --full)", () -> {
          RayJob job = client.resources(RayJob.class).inNamespace(namespace).withName(name).get();
          String named = job == null || job.getStatus() == null ? null
              : job.getStatus().rayClusterName;
          return named != null && rayCluster(namespace, named) != null ? named : null;
        });
  }

  static List<Pod> awaitRunningPods(String namespace, String cluster, int count) {
    return awaitOrExplain(count + " pods of the RayCluster Running (is the scheduler running? "
        + "do the fake nodes have room?)", () -> {
          List<Pod> all = clusterPods(namespace, cluster);
          return all.size() == count && all.stream()
              .allMatch(p -> "Running".equals(p.getStatus().getPhase())) ? all : null;
        });
  }

  static GenericKubernetesResource rayCluster(String namespace, String name) {
    return client.genericKubernetesResources(RAY_CLUSTER).inNamespace(namespace).withName(name)
        .get();
  }

  /** The RayCluster's pods (KubeRay labels them with the cluster), not the submitter's. */
  static List<Pod> clusterPods(String namespace, String cluster) {
    return client.pods().inNamespace(namespace).withLabel("ray.io/cluster", cluster).list()
        .getItems();
  }

  static <T> T awaitOrExplain(String what, java.util.concurrent.Callable<T> value) {
    try {
      return await().atMost(WAIT).pollInterval(Duration.ofMillis(250))
          .until(value, v -> v != null);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no " + what + " within " + WAIT.toSeconds() + " s", e);
    }
  }

  /** Every phase the status passes through, in order, repeats folded. */
  static final class PhaseWatcher implements Watcher<FlowerSimulation> {
    private final List<SimulationPhase> phases;

    PhaseWatcher(List<SimulationPhase> phases) {
      this.phases = phases;
    }

    @Override
    public void eventReceived(Action action, FlowerSimulation sim) {
      SimulationPhase phase = sim.getStatus() == null ? null : sim.getStatus().phase;
      if (phase != null && (phases.isEmpty() || phases.get(phases.size() - 1) != phase)) {
        phases.add(phase);
      }
    }

    @Override
    public void onClose(WatcherException cause) {}
  }
}

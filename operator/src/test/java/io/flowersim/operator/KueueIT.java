package io.flowersim.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.TestFlowerSimulations;
import io.flowersim.api.v1alpha1.spec.ClusterSpec;
import io.flowersim.api.v1alpha1.spec.HeadGroupSpec;
import io.flowersim.api.v1alpha1.spec.WorkerGroupSpec;
import io.flowersim.api.v1alpha1.status.Condition;
import io.flowersim.api.v1alpha1.status.FlowerSimulationStatus;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.testing.ExternalSystem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GPU sharing across teams with the real Kueue of scripts/kube-control-plane.sh start --full: a
 * ClusterQueue with one GPU of quota, a LocalQueue in each of two team namespaces, the operator in
 * this JVM (as its ServiceAccount, with manifests/operator/rbac.yaml). Every simulation asks for
 * one worker with one GPU, so one of them fills the quota. No Ray runs: Kueue only admits, suspends
 * and unsuspends RayJobs.
 */
class KueueIT {

  static final Duration WAIT = Duration.ofSeconds(60);
  static final String KUEUE_API = "kueue.x-k8s.io/v1beta2";
  static final String QUEUE = "team-queue";
  static final String GPU = "nvidia.com/gpu";

  static KubernetesClient client;
  static KubernetesClient operatorClient;

  String id;
  String teamA;
  String teamB;
  FlowerSimulationOperator operator;

  @BeforeAll
  static void connect() {
    client = KubeApiServer.connect();
    for (String crd : List.of("clusterqueues", "localqueues", "resourceflavors", "workloads")) {
      CustomResourceDefinition found = client.apiextensions().v1().customResourceDefinitions()
          .withName(crd + ".kueue.x-k8s.io").get();
      if (found == null) {
        ExternalSystem.unavailable("the Kueue tests", "Kueue's CRDs are missing ("
            + crd + ".kueue.x-k8s.io); scripts/kube-control-plane.sh start --full installs "
            + "and starts Kueue");
      }
    }
    operatorClient = KubeApiServer.asOperator(client);
  }

  @AfterAll
  static void disconnect() {
    if (operatorClient != null) {
      operatorClient.close();
    }
  }

  @BeforeEach
  void queues() {
    id = UUID.randomUUID().toString().substring(0, 8);
    teamA = KubeApiServer.newNamespace(client, "team-a");
    teamB = KubeApiServer.newNamespace(client, "team-b");
    apply("""
        apiVersion: %1$s
        kind: ResourceFlavor
        metadata: {name: gpu-%2$s}
        ---
        apiVersion: %1$s
        kind: ClusterQueue
        metadata: {name: gpus-%2$s}
        spec:
          namespaceSelector: {}
          preemption: {withinClusterQueue: LowerPriority}
          resourceGroups:
          - coveredResources: [cpu, memory, %3$s]
            flavors:
            - name: gpu-%2$s
              resources:
              - {name: cpu, nominalQuota: "100"}
              - {name: memory, nominalQuota: 1000Gi}
              - {name: %3$s, nominalQuota: "1"}
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata: {name: research-low-%2$s}
        value: 100
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata: {name: research-high-%2$s}
        value: 1000
        """.formatted(KUEUE_API, id, GPU));
    for (String team : List.of(teamA, teamB)) {
      apply("""
          apiVersion: %s
          kind: LocalQueue
          metadata: {name: %s, namespace: %s}
          spec: {clusterQueue: gpus-%s}
          """.formatted(KUEUE_API, QUEUE, team, id));
    }
    OperatorSettings settings = new OperatorSettings("example.org/flowersim/runtime:test", 60,
        600, OperatorSettings.DEFAULT_RUNTIME_COMMAND, List.of(teamA, teamB));
    operator = new FlowerSimulationOperator(operatorClient, settings, new SimpleMeterRegistry(),
        o -> {}).start();
  }

  @AfterEach
  void cleanUp() {
    if (operator != null) {
      operator.close();
    }
    client.namespaces().withName(teamA).delete();
    client.namespaces().withName(teamB).delete();
    client.resource(generic("ClusterQueue", "gpus-" + id)).delete();
    client.resource(generic("ResourceFlavor", "gpu-" + id)).delete();
    client.resource(priorityClass("research-low-" + id)).delete();
    client.resource(priorityClass("research-high-" + id)).delete();
  }

  @Test
  void teamBWaitsForTheGpuTeamAHoldsAndIsAdmittedWhenItIsFree() {
    long applied = System.nanoTime();
    FlowerSimulation a = create(teamA, "sim-a", null);
    FlowerSimulationStatus admittedA = awaitStatus(teamA, "sim-a", admitted());
    System.out.printf("[KueueIT] apply to admitted (RayJob unsuspended, Admitted=True): %d ms%n",
        (System.nanoTime() - applied) / 1_000_000);
    assertThat(admittedA.phase).isNotEqualTo(SimulationPhase.Queued);
    assertThat(suspended(teamA, "sim-a")).isFalse();

    create(teamB, "sim-b", null);
    FlowerSimulationStatus queuedB = awaitStatus(teamB, "sim-b",
        s -> s.phase == SimulationPhase.Queued && hasCondition(s, "Admitted", "False", "Pending")
            && s.message.contains("insufficient unused quota"));
    Condition why = FlowerSimulationOperatorIT.condition(queuedB, "Admitted");
    assertThat(why.message).contains("insufficient unused quota for " + GPU);
    assertThat(queuedB.message).startsWith("queued in Kueue's " + QUEUE + ": ")
        .contains("insufficient unused quota for " + GPU);
    assertThat(suspended(teamB, "sim-b")).isTrue();
    // Still waiting while A holds the GPU: A was admitted first and B's request cannot fit.
    assertThat(suspended(teamA, "sim-a")).isFalse();

    client.resource(a).delete();
    FlowerSimulationStatus admittedB = awaitStatus(teamB, "sim-b", admitted());
    assertThat(admittedB.phase).isNotEqualTo(SimulationPhase.Queued);
    assertThat(FlowerSimulationOperatorIT.condition(admittedB, "Admitted").reason)
        .isEqualTo("Admitted");
    assertThat(suspended(teamB, "sim-b")).isFalse();
  }

  @Test
  void aHigherPrioritySimulationPreemptsALowerOne() {
    create(teamA, "low", "research-low-" + id);
    awaitStatus(teamA, "low", admitted());

    create(teamB, "high", "research-high-" + id);
    awaitStatus(teamB, "high", admitted());
    FlowerSimulationStatus preempted = awaitStatus(teamA, "low",
        s -> s.phase == SimulationPhase.Queued
            && hasCondition(s, "Admitted", "False", "Preempted"));
    assertThat(FlowerSimulationOperatorIT.condition(preempted, "Admitted").message)
        .startsWith("evicted by Kueue: ").contains("Preempted");
    assertThat(suspended(teamA, "low")).isTrue();
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** One worker with one GPU: the whole quota. */
  FlowerSimulation create(String namespace, String name, String priorityClassName) {
    FlowerSimulation sim = TestFlowerSimulations.minimal();
    sim.getMetadata().setName(name);
    sim.getMetadata().setNamespace(namespace);
    sim.getSpec().queueName = QUEUE;
    sim.getSpec().priorityClassName = priorityClassName;
    ClusterSpec cluster = new ClusterSpec();
    cluster.head = new HeadGroupSpec();
    cluster.head.cpus = 1.0;
    cluster.head.memory = new Quantity("1Gi");
    WorkerGroupSpec worker = TestFlowerSimulations.workerGroup("gpu");
    worker.replicas = 1;
    worker.minReplicas = 1;
    worker.maxReplicas = 1;
    worker.cpus = 1.0;
    worker.memory = new Quantity("1Gi");
    worker.gpus = 1;
    worker.nodeSelector.put("nvidia.com/gpu.product", "NVIDIA-L4");
    cluster.workerGroups.add(worker);
    sim.getSpec().cluster = cluster;
    return client.resources(FlowerSimulation.class).inNamespace(namespace).resource(sim).create();
  }

  static Predicate<FlowerSimulationStatus> admitted() {
    return s -> s.phase != SimulationPhase.Queued && hasCondition(s, "Admitted", "True", null);
  }

  FlowerSimulationStatus awaitStatus(String namespace, String name,
      Predicate<FlowerSimulationStatus> until) {
    return await().atMost(WAIT).until(() -> {
      FlowerSimulation sim = client.resources(FlowerSimulation.class).inNamespace(namespace)
          .withName(name).get();
      return sim == null ? null : sim.getStatus();
    }, s -> s != null && until.test(s));
  }

  static boolean hasCondition(FlowerSimulationStatus s, String type, String status,
      String reason) {
    return s.conditions.stream().anyMatch(c -> type.equals(c.type) && status.equals(c.status)
        && (reason == null || reason.equals(c.reason)));
  }

  /** Kueue unsuspends by writing false, which KubeRay's type omits: absent is not suspended. */
  boolean suspended(String namespace, String name) {
    RayJob job = client.resources(RayJob.class).inNamespace(namespace).withName(name).get();
    return Boolean.TRUE.equals(job.getSpec().suspend);
  }

  void apply(String yaml) {
    client.load(new ByteArrayInputStream(yaml.getBytes(
        StandardCharsets.UTF_8))).forceConflicts().serverSideApply();
  }

  static GenericKubernetesResource generic(String kind, String name) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(KUEUE_API);
    r.setKind(kind);
    r.setMetadata(new ObjectMetaBuilder().withName(name).build());
    return r;
  }

  static PriorityClass priorityClass(String name) {
    return new PriorityClassBuilder()
        .withNewMetadata().withName(name).endMetadata().withValue(0).build();
  }
}

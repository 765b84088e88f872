package io.flowersim.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.CheckpointSpec;
import io.flowersim.api.v1alpha1.spec.ClusterSpec;
import io.flowersim.api.v1alpha1.spec.DataSpec;
import io.flowersim.api.v1alpha1.status.Condition;
import io.flowersim.api.v1alpha1.status.ConditionReason;
import io.flowersim.api.v1alpha1.status.FlowerSimulationStatus;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.operator.dependent.ManagedLabels;
import io.flowersim.operator.dependent.RayJobTemplate;
import io.flowersim.testing.ExternalSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * flowersim for real, on the real node of scripts/kube-control-plane.sh start --full with the
 * images of scripts/images.sh: the operator installed by its Helm chart with the chart's
 * defaults runs as a pod; KubeRay starts real Ray head and worker pods from the runtime image;
 * the runtime runs as the Ray job, its clients as Ray Java actors on the workers, and writes
 * every round. Also what a user sees when a cluster cannot come up, the GPU example as shipped
 * behind Kueue with examples/cluster-setup (its GPU pools are KWOK's), and a run that loses its
 * head pod continuing after its checkpoint on the claim of examples/cluster-setup.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RealNodeIT {

  static final String POOL = "flowersim.io/node-pool";
  static final String RUNTIME_IMAGE = "docker.io/flowersim/runtime:0.1.0";
  static final String OPERATOR_IMAGE = "docker.io/flowersim/operator:0.1.0";
  static final String RELEASE = "flowersim";
  static final String RELEASE_NAMESPACE = "flowersim-system";
  static final Duration RUN = Duration.ofMinutes(8);
  /** The promise: a cluster that cannot come up says why within a minute. */
  static final Duration TOLD = Duration.ofSeconds(60);
  static final ObjectMapper JSON = new ObjectMapper();

  static KubernetesClient client;
  static Node realNode;
  static final List<HasMetadata> setup = new ArrayList<>();

  @BeforeAll
  static void installTheChart() throws IOException {
    client = KubeApiServer.connect();
    realNode = client.nodes().withLabel(POOL, "real").list().getItems().stream()
        .filter(KubeApiServer::ready).findFirst().orElse(null);
    if (realNode == null) {
      ExternalSystem.unavailable("the real-node tests", "no Ready node labelled " + POOL
          + "=real (scripts/kube-control-plane.sh start --full starts one)");
    }
    for (String image : List.of(RUNTIME_IMAGE, OPERATOR_IMAGE)) {
      boolean present = realNode.getStatus().getImages().stream()
          .anyMatch(i -> i.getNames() != null && i.getNames().contains(image));
      if (!present) {
        ExternalSystem.unavailable("the real-node tests", "the real node has no image " + image
            + " (scripts/images.sh build)");
      }
    }
    ChartIT.helm("uninstall", RELEASE, "-n", RELEASE_NAMESPACE, "--ignore-not-found", "--wait");
    ChartIT.helm("install", RELEASE, KubeApiServer.repositoryFile("charts/flowersim").toString(),
        "-n", RELEASE_NAMESPACE, "--create-namespace", "--wait", "--timeout", "3m");
  }

  @AfterAll
  static void uninstall() throws IOException {
    if (client == null || realNode == null) {
      return;
    }
    for (HasMetadata object : setup) {
      client.resource(object).delete();
    }
    ChartIT.helm("uninstall", RELEASE, "-n", RELEASE_NAMESPACE, "--ignore-not-found", "--wait");
  }

  @Test
  @Order(1)
  void theOperatorIsThePodOfTheChartOnTheRealNodeWithItsProbesGreenAndItsMetricsServed() {
    Deployment deployment = client.apps().deployments().inNamespace(RELEASE_NAMESPACE)
        .withName(RELEASE).get();
    assertThat(deployment.getStatus().getAvailableReplicas()).isEqualTo(1);
    Pod pod = client.pods().inNamespace(RELEASE_NAMESPACE)
        .withLabels(deployment.getSpec().getSelector().getMatchLabels()).list().getItems().get(0);
    assertThat(pod.getSpec().getNodeName()).isEqualTo(realNode.getMetadata().getName());
    assertThat(pod.getSpec().getContainers().get(0).getImage()).endsWith("flowersim/operator:0.1.0");
    assertThat(pod.getStatus().getConditions()).anyMatch(
        c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    // Through the API server's proxy to the pod: served from inside the cluster.
    String metrics = client.raw("/api/v1/namespaces/" + RELEASE_NAMESPACE + "/services/"
        + RELEASE + "-metrics:http-metrics/proxy/metrics");
    assertThat(metrics).contains("# TYPE operator_sdk_reconciliations_executions_flowersimulation");
  }

  @Test
  @Order(2)
  void theClusterQuickstartRunsOnRealPodsAndEndsWithTheLocalRunsAccuracy() throws Exception {
    String namespace = KubeApiServer.newNamespace(client, "fsim-real");
    // Pod Security admission refuses any pod of the run that breaks the restricted profile.
    client.namespaces().withName(namespace).edit(n -> {
      n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
      return n;
    });
    try {
      FlowerSimulation sim = KubeApiServer.loadExample(client, "examples/cluster-quickstart.yaml");
      String name = sim.getMetadata().getName();
      long applied = System.nanoTime();
      client.resources(FlowerSimulation.class).inNamespace(namespace).resource(sim).create();
      await().atMost(RUN).pollInterval(Duration.ofMillis(500))
          .until(() -> status(namespace, name), s -> s != null && s.currentRound != null
              && s.currentRound >= 1);
      double firstRound = (System.nanoTime() - applied) / 1e9;
      FlowerSimulationStatus done = awaitEnd(namespace, name);
      double succeeded = (System.nanoTime() - applied) / 1e9;
      System.out.printf("[INFO] RealNodeIT: cluster-quickstart apply -> first round %.1f s, "
          + "-> Succeeded %.1f s%n", firstRound, succeeded);

      assertThat(done.phase).as(done.message).isEqualTo(SimulationPhase.Succeeded);
      assertThat(done.rounds).hasSize(10);
      assertThat(done.currentRound).isEqualTo(10);
      JsonNode local = localFinalRound("examples/cluster-quickstart.yaml");
      double localAccuracy = local.get("centralizedMetrics").get("accuracy").asDouble();
      assertThat(localAccuracy).isGreaterThanOrEqualTo(0.8);
      // Ray's actors sum their clients' updates before the driver does: float sums in another
      // order, the same model to well within one test example of accuracy.
      assertThat(done.accuracy).isCloseTo(localAccuracy, org.assertj.core.data.Offset.offset(1e-3));
      assertThat(done.loss).isCloseTo(local.get("centralizedLoss").asDouble(),
          org.assertj.core.data.Offset.offset(1e-4));
      // Clients ran on both workers, as Ray actors.
      assertThat(done.rounds.get(0).fitClientsByNode).hasSize(2);

      List<Pod> pods = client.pods().inNamespace(namespace)
          .withLabel(ManagedLabels.SIMULATION, name).list().getItems();
      Pod head = pods.stream().filter(p -> "head".equals(p.getMetadata().getLabels()
          .get("ray.io/node-type"))).findFirst().orElseThrow();
      assertThat(pods).allSatisfy(p -> {
        assertThat(p.getSpec().getNodeName()).isEqualTo(realNode.getMetadata().getName());
        // Ray ran under Pod Security's restricted profile.
        assertThat(p.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(p.getSpec().getSecurityContext().getSeccompProfile().getType())
            .isEqualTo("RuntimeDefault");
        // On a read-only root filesystem: Ray and the JVM wrote only to the /tmp emptyDir.
        assertThat(p.getSpec().getContainers().get(0).getSecurityContext()
            .getReadOnlyRootFilesystem()).isTrue();
      });
      assertThat(head.getSpec().getContainers().get(0).getImage()).isEqualTo(
          "flowersim/runtime:0.1.0");
      String headLog = client.pods().inNamespace(namespace).withName(head.getMetadata().getName())
          .inContainer("ray-head").getLog();
      assertThat(headLog).contains("round 1/10:").contains("round 10/10:");
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }

  @Test
  @Order(3)
  void fashionMnistReadsItsDataFromTheClaimAndLearns() throws Exception {
    if (!Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist"))) {
      ExternalSystem.unavailable("the Fashion-MNIST cluster test",
          "no /usr/share/datasets/fashion-mnist (apt-get install dataset-fashion-mnist)");
    }
    setup.addAll(apply("examples/cluster-setup/30-fashion-mnist-data.yml"));
    FlowerSimulation sim = KubeApiServer.loadExample(client, "examples/cluster-fashion-mnist.yaml");
    String namespace = sim.getMetadata().getNamespace();
    String name = sim.getMetadata().getName();
    client.resources(FlowerSimulation.class).inNamespace(namespace).withName(name).delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> client.resources(FlowerSimulation.class)
        .inNamespace(namespace).withName(name).get() == null);
    try {
      long applied = System.nanoTime();
      client.resource(sim).create();
      FlowerSimulationStatus done = awaitEnd(namespace, name);
      System.out.printf("[INFO] RealNodeIT: cluster-fashion-mnist apply -> %s %.1f s%n",
          done.phase, (System.nanoTime() - applied) / 1e9);
      assertThat(done.phase).as(done.message).isEqualTo(SimulationPhase.Succeeded);
      assertThat(done.rounds).hasSize(10);
      assertThat(done.accuracy).isGreaterThanOrEqualTo(0.75);
    } finally {
      client.resource(sim).delete();
    }
  }

  @Test
  @Order(4)
  void aMissingPriorityClassAndAMissingImageAreSaidInStatusAndEvents() {
    String namespace = KubeApiServer.newNamespace(client, "fsim-trouble");
    try {
      FlowerSimulation noClass = headOnly("no-class");
      noClass.getSpec().priorityClassName = "no-such-priority";
      FlowerSimulation noImage = headOnly("no-image");
      noImage.getSpec().image = "flowersim/runtime:no-such-tag";
      for (FlowerSimulation sim : List.of(noClass, noImage)) {
        client.resources(FlowerSimulation.class).inNamespace(namespace).resource(sim).create();
      }
      assertTold(namespace, "no-class", ConditionReason.PodCreationFailed,
          "no-such-priority");
      assertTold(namespace, "no-image", ConditionReason.ImagePullFailed,
          "flowersim/runtime:no-such-tag");
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }

  @Test
  @Order(5)
  void theGpuPoolsExampleAsShippedIsAdmittedByKueueAndRunsOnItsPools() {
    for (String file : List.of("00-namespaces.yml", "10-priority-classes.yml",
        "20-kueue.yml", "50-placement-policy.yml")) {
      setup.addAll(0, apply("examples/cluster-setup/" + file));
    }
    FlowerSimulation sim = KubeApiServer.loadExample(client, "examples/gpu-pools.yaml");
    String namespace = "team-a";
    String name = sim.getMetadata().getName();
    try {
      client.resources(FlowerSimulation.class).inNamespace(namespace).resource(sim).create();
      FlowerSimulationStatus running = await().atMost(Duration.ofMinutes(2))
          .until(() -> status(namespace, name),
              s -> s != null && s.phase == SimulationPhase.Running);
      assertThat(running.conditions).anyMatch(c -> "Admitted".equals(c.type)
          && "True".equals(c.status));
      List<Pod> pods = client.pods().inNamespace(namespace)
          .withLabel(ManagedLabels.SIMULATION, name).list().getItems();
      // Head, 12 GPU workers and the submitter, all on KWOK's pools as Kueue's flavors place them.
      assertThat(pods).hasSize(14).allSatisfy(p -> {
        Node node = client.nodes().withName(p.getSpec().getNodeName()).get();
        assertThat(node.getMetadata().getLabels().get(POOL)).isIn("cpu", "gpu-h100", "gpu-a100");
        assertThat(p.getSpec().getPriorityClassName()).isEqualTo("research-low");
      });
    } finally {
      client.resources(FlowerSimulation.class).inNamespace(namespace).withName(name).delete();
    }
  }

  @Test
  @Order(6)
  void aQuickstartWhoseHeadPodIsDeletedContinuesAfterItsCheckpointWithEveryRoundOnce()
      throws Exception {
    int rounds = 100;
    FlowerSimulation sim = checkpointedQuickstart("quickstart-resume", rounds);
    String name = sim.getMetadata().getName();
    String namespace = sim.getMetadata().getNamespace();
    Path own = claimPart(namespace, name);
    try {
      long applied = System.nanoTime();
      client.resource(sim).create();
      await().atMost(RUN).pollInterval(Duration.ofMillis(200))
          .until(() -> status(namespace, name), s -> s != null && s.currentRound != null
              && s.currentRound >= 3);
      Pod head = client.pods().inNamespace(namespace).withLabel(ManagedLabels.SIMULATION, name)
          .withLabel("ray.io/node-type", "head").list().getItems().get(0);
      int lostAt = status(namespace, name).currentRound;
      client.pods().inNamespace(namespace).withName(head.getMetadata().getName()).delete();
      long deleted = System.nanoTime();
      FlowerSimulationStatus done = awaitEnd(namespace, name);
      System.out.printf("[INFO] RealNodeIT: head pod deleted after round %d (%.1f s after "
          + "apply); resumed after round %s; Succeeded %.1f s after the deletion%n", lostAt,
          (deleted - applied) / 1e9, done.resumedFromRound, (System.nanoTime() - deleted) / 1e9);

      assertThat(done.phase).as(done.message).isEqualTo(SimulationPhase.Succeeded);
      assertThat(lostAt).as("the head went before the run ended").isLessThan(rounds);
      assertThat(done.resumedFromRound).isNotNull().isBetween(1, rounds - 1);
      assertEveryRoundOnce(done, own, rounds);
      assertThat(eventsOn(namespace, name)).anyMatch(e -> "Normal".equals(e.getType())
          && "Resumed".equals(e.getReason()));
      Pod newHead = client.pods().inNamespace(namespace).withLabel(ManagedLabels.SIMULATION, name)
          .withLabel("ray.io/node-type", "head").list().getItems().stream().findFirst()
          .orElse(null);
      if (newHead != null) {
        assertThat(newHead.getMetadata().getName()).isNotEqualTo(head.getMetadata().getName());
      }
    } finally {
      client.resource(sim).delete();
    }
  }

  /**
   * examples/cluster-quickstart.yaml in namespace default with the checkpoint claim of
   * examples/cluster-setup/40-checkpoints.yml, whose volume is this machine's directory (the real
   * node's): made for the image's user as the file says, this run's own part emptied. With
   * enough rounds that something can happen in the middle of the run.
   */
  static FlowerSimulation checkpointedQuickstart(String name, int rounds) throws IOException {
    FlowerSimulation sim = KubeApiServer.loadExample(client, "examples/cluster-quickstart.yaml");
    String namespace = "default";
    sim.getMetadata().setName(name);
    sim.getMetadata().setNamespace(namespace);
    prepareClaimDirectory(CLAIM_DIR, claimPart(namespace, name));
    setup.addAll(apply("examples/cluster-setup/40-checkpoints.yml"));
    sim.getSpec().rounds = rounds;
    sim.getSpec().checkpoint = new CheckpointSpec();
    sim.getSpec().checkpoint.persistentVolumeClaim = new DataSpec.ClaimReference();
    sim.getSpec().checkpoint.persistentVolumeClaim.claimName = "fsim-checkpoints";
    client.resources(FlowerSimulation.class).inNamespace(namespace).withName(name).delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> client.resources(FlowerSimulation.class)
        .inNamespace(namespace).withName(name).get() == null);
    return sim;
  }

  static final Path CLAIM_DIR = Path.of("/var/lib/flowersim-checkpoints");

  /** Where the runtime keeps this simulation's checkpoints and history on the claim. */
  static Path claimPart(String namespace, String name) {
    return CLAIM_DIR.resolve(namespace).resolve(name);
  }

  /**
   * A resumed run as one that never stopped: status ends at the last round with its newest
   * rounds contiguous, the history on the claim has every round once, and a Resumed Event.
   */
  static void assertEveryRoundOnce(FlowerSimulationStatus done, Path own, int rounds)
      throws IOException {
    assertThat(done.currentRound).isEqualTo(rounds);
    assertThat(done.rounds).extracting(r -> r.round).containsExactlyElementsOf(
        IntStream.rangeClosed(rounds - done.rounds.size() + 1, rounds).boxed().toList());
    JsonNode kept = JSON.readTree(own.resolve("history.json").toFile()).get("rounds");
    List<Integer> numbers = new ArrayList<>();
    kept.forEach(r -> numbers.add(r.get("round").asInt()));
    assertThat(numbers).containsExactlyElementsOf(
        IntStream.rangeClosed(1, rounds).boxed().toList());
  }

  /**
   * spec.suspend in the middle of a checkpointed run: KubeRay takes the Ray cluster down, the
   * simulation is Suspended; unsuspended, a new cluster's runtime continues after the newest
   * checkpoint and the run ends as one that never stopped.
   */
  @Test
  @Order(8)
  void aSuspendedAndResumedQuickstartContinuesAfterItsCheckpointWithEveryRoundOnce()
      throws Exception {
    int rounds = 100;
    FlowerSimulation sim = checkpointedQuickstart("quickstart-suspend", rounds);
    String name = sim.getMetadata().getName();
    String namespace = sim.getMetadata().getNamespace();
    try {
      long applied = System.nanoTime();
      client.resource(sim).create();
      await().atMost(RUN).pollInterval(Duration.ofMillis(200))
          .until(() -> status(namespace, name), s -> s != null && s.currentRound != null
              && s.currentRound >= 3);
      setSuspend(namespace, name, true);
      long suspending = System.nanoTime();
      FlowerSimulationStatus suspended = await().atMost(RUN).pollInterval(Duration.ofMillis(500))
          .until(() -> status(namespace, name), s -> s.phase == SimulationPhase.Suspended);
      await().atMost(RUN).until(() -> client.pods().inNamespace(namespace)
          .withLabel(ManagedLabels.SIMULATION, name).withLabel("ray.io/node-type", "head")
          .list().getItems().isEmpty());
      int before = suspended.currentRound == null ? 0 : suspended.currentRound;
      double suspendSeconds = (System.nanoTime() - suspending) / 1e9;
      setSuspend(namespace, name, false);
      long resuming = System.nanoTime();
      FlowerSimulationStatus done = awaitEnd(namespace, name);
      System.out.printf("[INFO] RealNodeIT: suspended after round %d (%.1f s after apply; "
          + "Suspended and the head gone in %.1f s); resumed after round %s; Succeeded %.1f s "
          + "after unsuspending%n", before, (suspending - applied) / 1e9, suspendSeconds,
          done.resumedFromRound, (System.nanoTime() - resuming) / 1e9);

      assertThat(done.phase).as(done.message).isEqualTo(SimulationPhase.Succeeded);
      assertThat(before).as("suspended before the run ended").isBetween(3, rounds - 1);
      assertThat(done.resumedFromRound).isNotNull().isBetween(before, rounds - 1);
      assertEveryRoundOnce(done, claimPart(namespace, name), rounds);
      assertThat(eventsOn(namespace, name)).anyMatch(e -> "Normal".equals(e.getType())
          && "Resumed".equals(e.getReason()));
    } finally {
      client.resource(sim).delete();
    }
  }

  /**
   * Kueue preemption on the real node: a checkpointed low-priority quickstart runs in a
   * ClusterQueue that holds one quickstart; a high-priority one arrives, Kueue evicts the low one
   * (its Ray cluster goes), runs the high one, and once that is done re-admits the low one, whose
   * new cluster's runtime continues after the newest checkpoint: it ends as a run that never
   * stopped.
   */
  @Test
  @Order(9)
  void aQuickstartPreemptedByKueueContinuesAfterItsCheckpointWhenReadmitted() throws Exception {
    String id = java.util.UUID.randomUUID().toString().substring(0, 8);
    String queue = "real-" + id;
    List<HasMetadata> queues = client.load(new java.io.ByteArrayInputStream("""
        apiVersion: kueue.x-k8s.io/v1beta2
        kind: ResourceFlavor
        metadata: {name: real-%1$s}
        ---
        apiVersion: kueue.x-k8s.io/v1beta2
        kind: ClusterQueue
        metadata: {name: real-%1$s}
        spec:
          namespaceSelector: {}
          preemption: {withinClusterQueue: LowerPriority}
          resourceGroups:
          - coveredResources: [cpu, memory]
            flavors:
            - name: real-%1$s
              resources:
              - {name: cpu, nominalQuota: "3"}
              - {name: memory, nominalQuota: 100Gi}
        ---
        apiVersion: kueue.x-k8s.io/v1beta2
        kind: LocalQueue
        metadata: {name: real-%1$s, namespace: default}
        spec: {clusterQueue: real-%1$s}
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata: {name: low-%1$s}
        value: 100
        ---
        apiVersion: scheduling.k8s.io/v1
        kind: PriorityClass
        metadata: {name: high-%1$s}
        value: 1000
        """.formatted(id).getBytes(StandardCharsets.UTF_8))).items();
    queues.forEach(o -> client.resource(o).forceConflicts().serverSideApply());
    int rounds = 100;
    FlowerSimulation low = checkpointedQuickstart("quickstart-preempted", rounds);
    low.getSpec().queueName = queue;
    low.getSpec().priorityClassName = "low-" + id;
    String name = low.getMetadata().getName();
    String namespace = low.getMetadata().getNamespace();
    FlowerSimulation high = KubeApiServer.loadExample(client, "examples/cluster-quickstart.yaml");
    high.getMetadata().setName("quickstart-preempting");
    high.getMetadata().setNamespace(namespace);
    high.getSpec().queueName = queue;
    high.getSpec().priorityClassName = "high-" + id;
    client.resource(high).delete();
    try {
      long applied = System.nanoTime();
      client.resource(low).create();
      await().atMost(RUN).pollInterval(Duration.ofMillis(200))
          .until(() -> status(namespace, name), s -> s != null && s.currentRound != null
              && s.currentRound >= 3);
      client.resource(high).create();
      long preempting = System.nanoTime();
      FlowerSimulationStatus preempted = await().atMost(RUN).pollInterval(Duration.ofMillis(500))
          .until(() -> status(namespace, name), s -> s.phase == SimulationPhase.Queued
              && s.conditions.stream().anyMatch(c -> "Admitted".equals(c.type)
                  && "False".equals(c.status) && "Preempted".equals(c.reason)));
      int before = preempted.currentRound == null ? 0 : preempted.currentRound;
      double preemptSeconds = (System.nanoTime() - preempting) / 1e9;
      FlowerSimulationStatus highDone = awaitEnd(namespace, high.getMetadata().getName());
      FlowerSimulationStatus done = awaitEnd(namespace, name);
      System.out.printf("[INFO] RealNodeIT: preempted by Kueue after round %d (%.1f s after "
          + "apply, %.1f s after the high-priority one came); the high one %s; the low one "
          + "resumed after round %s, %s %.1f s after the preemption%n", before,
          (preempting - applied) / 1e9, preemptSeconds, highDone.phase, done.resumedFromRound,
          done.phase, (System.nanoTime() - preempting) / 1e9);

      assertThat(highDone.phase).as(highDone.message).isEqualTo(SimulationPhase.Succeeded);
      assertThat(done.phase).as(done.message).isEqualTo(SimulationPhase.Succeeded);
      assertThat(before).as("preempted before the run ended").isBetween(3, rounds - 1);
      assertThat(done.resumedFromRound).isNotNull().isBetween(before, rounds - 1);
      assertEveryRoundOnce(done, claimPart(namespace, name), rounds);
      assertThat(eventsOn(namespace, name)).anyMatch(e -> "Normal".equals(e.getType())
          && "Resumed".equals(e.getReason()));
    } finally {
      client.resource(low).delete();
      client.resource(high).delete();
      java.util.Collections.reverse(queues);
      queues.forEach(o -> client.resource(o).delete());
    }
  }

  /** The claim's directory, the image's user's (uid 1000), without an earlier run's part. */
  static void prepareClaimDirectory(Path claimDir, Path own) throws IOException {
    try {
      Files.createDirectories(claimDir);
      Files.setAttribute(claimDir, "unix:uid", (int) RayJobTemplate.RUNTIME_UID);
      Files.setAttribute(claimDir, "unix:gid", (int) RayJobTemplate.RUNTIME_UID);
    } catch (IOException | UnsupportedOperationException e) {
      ExternalSystem.unavailable("the checkpoint test on the real node", "cannot make "
          + claimDir + " for uid " + RayJobTemplate.RUNTIME_UID + ": " + e);
    }
    if (Files.exists(own)) {
      try (var files = Files.walk(own)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * A Flower App in its own image (examples/flower-numpy/Dockerfile: FROM the runtime image, plus
   * the app): its ClientApp runs as Ray Python actors on the two real workers, and the rounds are
   * those of the same app run locally in the pool of Python workers.
   */
  @Test
  @Order(7)
  void aFlowerAppInItsOwnImageRunsAsPythonActorsAndRecordsTheLocalRounds() throws Exception {
    String image = "docker.io/flowersim/flower-numpy:0.1.0";
    if (realNode.getStatus().getImages().stream()
        .noneMatch(i -> i.getNames() != null && i.getNames().contains(image))) {
      ExternalSystem.unavailable("the Flower App cluster test", "the real node has no image "
          + image + " (scripts/images.sh build)");
    }
    String namespace = KubeApiServer.newNamespace(client, "fsim-flower");
    try {
      FlowerSimulation sim = KubeApiServer.loadExample(client,
          "examples/cluster-flower-numpy.yaml");
      String name = sim.getMetadata().getName();
      client.resources(FlowerSimulation.class).inNamespace(namespace).resource(sim).create();
      FlowerSimulationStatus done = awaitEnd(namespace, name);
      assertThat(done.phase).as(done.message).isEqualTo(SimulationPhase.Succeeded);
      assertThat(done.rounds).hasSize(5);
      assertThat(done.rounds).allSatisfy(r -> {
        assertThat(r.fitClients).isEqualTo(10);
        assertThat(r.fitFailures).isZero();
      });
      assertThat(done.rounds.get(0).fitClientsByNode).hasSize(2);
      JsonNode local = localFinalRound("examples/flower-numpy.yaml");
      // The actors sum their clients' updates, the local pool does not: float rounding apart,
      // the same model (RayFlowerAppIT holds the two to 1e-6 round by round).
      assertThat(done.rounds.get(4).distributedLoss).isCloseTo(
          local.get("distributedLoss").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
      // the app's evaluateFn ran in the head pod's Python, on the same model as locally
      assertThat(done.rounds).allSatisfy(r -> assertThat(r.centralizedLoss).isNotNull());
      assertThat(done.rounds.get(4).centralizedLoss).isCloseTo(
          local.get("centralizedLoss").asDouble(), org.assertj.core.data.Offset.offset(1e-5));
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** A head on the real node and nothing else: enough for KubeRay to try a pod. */
  /**
   * examples/client-groups.yaml on real pods, sized for this node: each group's Ray actors run on
   * its worker group's pod only (the phones' actors would fit on either pod), and every round
   * counts both groups.
   */
  @Test
  @Order(20)
  void clientGroupsRunEachOnTheirOwnWorkerGroupsPod() throws Exception {
    String namespace = KubeApiServer.newNamespace(client, "fsim-real");
    try {
      FlowerSimulation sim = KubeApiServer.loadExample(client, "examples/client-groups.yaml");
      String name = sim.getMetadata().getName();
      sim.getSpec().rounds = 3;
      sim.getSpec().cluster.head.cpus = 0.6;
      sim.getSpec().cluster.head.nodeSelector.put(POOL, "real");
      for (var group : sim.getSpec().cluster.workerGroups) {
        group.cpus = 0.6;
        group.memory = new io.fabric8.kubernetes.api.model.Quantity("1536Mi");
        group.nodeSelector.put(POOL, "real");
      }
      sim.getSpec().clients.groups.get(0).resources.cpus = 0.3;
      sim.getSpec().clients.groups.get(1).resources.cpus = 0.6;
      long applied = System.nanoTime();
      client.resources(FlowerSimulation.class).inNamespace(namespace).resource(sim).create();
      FlowerSimulationStatus done = awaitEnd(namespace, name);
      System.out.printf("[INFO] RealNodeIT: client-groups apply -> %s %.1f s%n", done.phase,
          (System.nanoTime() - applied) / 1e9);

      assertThat(done.phase).as(done.message).isEqualTo(SimulationPhase.Succeeded);
      assertThat(done.rounds).hasSize(3);
      java.util.Set<String> phoneNodes = new java.util.HashSet<>();
      java.util.Set<String> laptopNodes = new java.util.HashSet<>();
      for (var round : done.rounds) {
        assertThat(round.groups).extracting(g -> g.name).containsExactly("phones", "laptops");
        assertThat(round.groups.get(0).fitClients + round.groups.get(1).fitClients)
            .isEqualTo(round.fitClients);
        round.fitClientsByNode.forEach((node, ids) -> ids.forEach(id ->
            (id < 80 ? phoneNodes : laptopNodes).add(node)));
      }
      System.out.printf("[INFO] RealNodeIT: phones ran on %s, laptops on %s%n", phoneNodes,
          laptopNodes);
      assertThat(phoneNodes).hasSize(1);
      assertThat(laptopNodes).hasSize(1);
      assertThat(phoneNodes).doesNotContainAnyElementsOf(laptopNodes);
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }

  static FlowerSimulation headOnly(String name) {
    FlowerSimulation sim = KubeApiServer.loadExample(client, "examples/cluster-quickstart.yaml");
    sim.getMetadata().setName(name);
    ClusterSpec cluster = sim.getSpec().cluster;
    cluster.workerGroups.clear();
    cluster.head.cpus = 0.1;
    return sim;
  }

  static void assertTold(String namespace, String name, ConditionReason reason,
      String inMessage) {
    FlowerSimulationStatus status = await().atMost(TOLD).pollInterval(Duration.ofSeconds(1))
        .until(() -> status(namespace, name), s -> s != null && running(s) != null
            && reason.name().equals(running(s).reason));
    assertThat(running(status).status).isEqualTo("False");
    assertThat(running(status).message).contains(inMessage);
    assertThat(status.message).contains(inMessage);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(eventsOn(namespace, name))
        .anyMatch(e -> "Warning".equals(e.getType()) && reason.name().equals(e.getReason())
            && e.getMessage().contains(inMessage)));
  }

  static Condition running(FlowerSimulationStatus s) {
    return s.conditions.stream().filter(c -> "Running".equals(c.type)).findFirst().orElse(null);
  }

  static List<Event> eventsOn(String namespace, String name) {
    return client.v1().events().inNamespace(namespace)
        .withField("involvedObject.kind", FlowerSimulation.KIND)
        .withField("involvedObject.name", name).list().getItems();
  }

  /**
   * spec.suspend by a merge patch, as kubectl patch: an edit sends the resourceVersion it read
   * and fails (409) whenever the operator wrote the status in between.
   */
  static void setSuspend(String namespace, String name, boolean suspend) {
    client.resources(FlowerSimulation.class).inNamespace(namespace).withName(name).patch(
        PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":" + suspend + "}}");
  }

  static FlowerSimulationStatus awaitEnd(String namespace, String name) {
    return await().atMost(RUN).pollInterval(Duration.ofSeconds(1))
        .until(() -> status(namespace, name), s -> s != null && s.phase != null
            && s.phase.isTerminal());
  }

  static FlowerSimulationStatus status(String namespace, String name) {
    FlowerSimulation sim = client.resources(FlowerSimulation.class).inNamespace(namespace)
        .withName(name).get();
    return sim == null ? null : sim.getStatus();
  }

  /** Server-side apply of a file of examples/, as kubectl apply --server-side. */
  static List<HasMetadata> apply(String path) {
    try (InputStream in = Files.newInputStream(KubeApiServer.repositoryFile(path))) {
      List<HasMetadata> objects = client.load(in).items();
      for (HasMetadata object : objects) {
        client.resource(object).forceConflicts().serverSideApply();
      }
      return objects;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }

  /** The same file run locally by bin/flowersim: the round a cluster run must end with. */
  static JsonNode localFinalRound(String example) throws Exception {
    Path out = Files.createTempDirectory("flowersim-local");
    Path root = KubeApiServer.repositoryFile(".");
    Process p = new ProcessBuilder(root.resolve("bin/flowersim").toString(), "run",
        root.resolve(example).toString(), "--out", out.toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();
    JsonNode rounds = JSON.readTree(out.resolve("history.json").toFile()).get("rounds");
    return Objects.requireNonNull(rounds.get(rounds.size() - 1));
  }
}

package io.flowersim.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.kuberay.RayJobStatus;
import io.flowersim.api.kuberay.RayWorkerGroupSpec;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.TestFlowerSimulations;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap.RunState;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap;
import io.flowersim.api.v1alpha1.handover.RuntimeEnvironment;
import io.flowersim.api.v1alpha1.spec.CheckpointSpec;
import io.flowersim.api.v1alpha1.spec.DataSpec;
import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.api.v1alpha1.status.Condition;
import io.flowersim.api.v1alpha1.status.FlowerSimulationStatus;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.operator.dependent.ManagedLabels;
import io.flowersim.operator.dependent.RayJobTemplate;
import io.flowersim.runtime.Main;
import io.flowersim.server.History;
import io.flowersim.server.HistoryJson;
import io.flowersim.server.ServerListener;
import io.flowersim.simulation.ExitCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator in this JVM against a real kube-apiserver (with KubeRay's real CRDs and the
 * garbage-collecting controller-manager of scripts/kube-control-plane.sh). No KubeRay operator:
 * the tests write the RayJob's status as KubeRay would, and run the runtime's entry point here
 * (local backend) as the Ray head would. Each test has its own namespace.
 */
class FlowerSimulationOperatorIT {

  static final Duration WAIT = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();

  static KubernetesClient client;
  /** The operator's own client: its ServiceAccount with manifests/operator/rbac.yaml. */
  static KubernetesClient operatorClient;

  String namespace;
  FlowerSimulationOperator operator;

  @BeforeAll
  static void connect() {
    client = KubeApiServer.connect();
    operatorClient = KubeApiServer.asOperator(client);
  }

  @AfterAll
  static void disconnect() {
    if (operatorClient != null) {
      operatorClient.close();
    }
  }

  @BeforeEach
  void startOperator() {
    // These tests play KubeRay's and Kueue's parts themselves; the real ones (start --full) stay
    // out of their namespaces.
    namespace = KubeApiServer.newNamespaceWithoutControllers(client, "fsim-it");
    operator = startOperator(namespace);
  }

  static FlowerSimulationOperator startOperator(String namespace) {
    return startOperator(operatorClient, namespace);
  }

  /** The operator in this JVM, watching one namespace, acting through the given client. */
  static FlowerSimulationOperator startOperator(KubernetesClient operatorClient,
      String namespace) {
    OperatorSettings settings = new OperatorSettings("example.org/flowersim/runtime:test", 60,
        600, OperatorSettings.DEFAULT_RUNTIME_COMMAND, List.of(namespace));
    return new FlowerSimulationOperator(operatorClient, settings, new SimpleMeterRegistry(), o -> {})
        .start();
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    client.namespaces().withName(namespace).delete();
  }

  // ---- what the operator makes ----------------------------------------------------------------

  @Test
  void applyingASimulationMakesTheRayJobConfigMapAndRbacWithTheExpectedShape() {
    FlowerSimulation sim = TestFlowerSimulations.full();
    sim.getSpec().queueName = null;
    sim.getSpec().cluster.workerGroups.add(TestFlowerSimulations.workerGroup("a100"));
    sim.getSpec().cluster.workerGroups.get(1).nodeSelector
        .put("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-40GB");
    sim.getSpec().cluster.workerGroups.get(1).gpus = 2;
    FlowerSimulation created = create(sim);
    String name = created.getMetadata().getName();

    RayJob job = await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    assertOwnedBy(job, created);
    assertThat(job.getMetadata().getName()).isEqualTo(name);
    assertThat(job.getSpec().shutdownAfterJobFinishes).isTrue();
    assertThat(job.getSpec().ttlSecondsAfterFinished).isEqualTo(60);
    assertThat(job.getSpec().activeDeadlineSeconds).isEqualTo(10 * 600 + 600);
    assertThat(job.getSpec().suspend).isFalse();
    assertThat(job.getSpec().entrypoint).isEqualTo(OperatorSettings.DEFAULT_RUNTIME_COMMAND);

    var head = job.getSpec().rayClusterSpec.headGroupSpec;
    Container headContainer = head.template.getSpec().getContainers().get(0);
    assertThat(headContainer.getImage()).isEqualTo("flowersim/runtime:0.1.0");
    assertThat(headContainer.getResources().getLimits())
        .containsEntry("cpu", new Quantity("2")).containsEntry("memory", new Quantity("8Gi"));
    assertThat(env(headContainer)).containsEntry(RuntimeEnvironment.RAY_ADDRESS, "auto")
        .containsEntry(RuntimeEnvironment.BACKEND, "ray")
        .containsEntry(RuntimeEnvironment.HISTORY_CONFIGMAP, name + "-history")
        .containsEntry(RuntimeEnvironment.NAMESPACE, namespace);
    assertThat(env(headContainer).get(RuntimeEnvironment.SIMULATION))
        .contains("\"task\":\"fashion-mnist-mlp\"").contains("\"name\":\"" + name + "\"");
    assertThat(head.template.getSpec().getServiceAccountName()).isEqualTo(name + "-runtime");
    assertThat(head.template.getSpec().getPriorityClassName()).isEqualTo("research-low");
    assertThat(head.rayStartParams).containsEntry("num-cpus", "0");

    List<RayWorkerGroupSpec> workers = job.getSpec().rayClusterSpec.workerGroupSpecs;
    assertThat(workers).extracting(w -> w.groupName).containsExactly("gpu", "a100");
    RayWorkerGroupSpec h100 = workers.get(0);
    assertThat(List.of(h100.replicas, h100.minReplicas, h100.maxReplicas))
        .containsExactly(2, 0, 4);
    assertThat(h100.rayStartParams).containsEntry("num-cpus", "8").containsEntry("num-gpus", "1");
    var h100Pod = h100.template.getSpec();
    assertThat(h100Pod.getContainers().get(0).getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("1"))
        .containsEntry("memory", new Quantity("32Gi"));
    assertThat(h100Pod.getNodeSelector())
        .containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
    assertThat(h100Pod.getTolerations()).singleElement().satisfies(t -> {
      assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
      assertThat(t.getOperator()).isEqualTo("Exists");
      assertThat(t.getEffect()).isEqualTo("NoSchedule");
    });
    RayWorkerGroupSpec a100 = workers.get(1);
    assertThat(a100.rayStartParams).containsEntry("num-gpus", "2");
    assertThat(a100.template.getSpec().getContainers().get(0).getResources().getLimits())
        .containsEntry("nvidia.com/gpu", new Quantity("2"));
    assertThat(a100.template.getSpec().getNodeSelector())
        .containsEntry("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-40GB");

    ConfigMap history = client.configMaps().inNamespace(namespace).withName(name + "-history")
        .get();
    assertOwnedBy(history, created);
    assertThat(history.getData()).isNullOrEmpty();
    ServiceAccount sa = client.serviceAccounts().inNamespace(namespace)
        .withName(name + "-runtime").get();
    assertOwnedBy(sa, created);
    Role role = client.rbac().roles().inNamespace(namespace).withName(name + "-runtime").get();
    assertOwnedBy(role, created);
    assertThat(role.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("");
      assertThat(rule.getResources()).containsExactly("configmaps");
      assertThat(rule.getResourceNames()).containsExactly(name + "-history");
      assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "patch");
    });
    RoleBinding binding = client.rbac().roleBindings().inNamespace(namespace)
        .withName(name + "-runtime").get();
    assertOwnedBy(binding, created);
    assertThat(binding.getRoleRef().getName()).isEqualTo(name + "-runtime");
    assertThat(binding.getSubjects()).singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo(name + "-runtime"));

    FlowerSimulationStatus status = awaitStatus(name, s -> s.rayJobName != null);
    assertThat(status.phase).isEqualTo(SimulationPhase.Pending);
    assertThat(status.totalRounds).isEqualTo(10);
    assertThat(status.historyConfigMap).isEqualTo(name + "-history");
    assertThat(condition(status, "Validated")).satisfies(c -> {
      assertThat(c.status).as(c.reason + ": " + c.message).isEqualTo("True");
      assertThat(c.observedGeneration).isEqualTo(created.getMetadata().getGeneration());
    });
  }

  @Test
  void aNetworkPolicyAdmitsToTheRayPodsOnlyTheSimulationsPodsAndTheControllers() {
    FlowerSimulation created = create(TestFlowerSimulations.full());
    String name = created.getMetadata().getName();
    RayJob job = await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    NetworkPolicy policy = client.network().v1().networkPolicies().inNamespace(namespace)
        .withName(name + "-ray").get();
    assertOwnedBy(policy, created);
    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getEgress()).isNullOrEmpty();
    ControllerPods controllers = ControllerPods.defaults();
    assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule -> {
      assertThat(rule.getPorts()).isNullOrEmpty();
      assertThat(rule.getFrom()).hasSize(3);
      assertThat(rule.getFrom().get(0).getNamespaceSelector()).isNull();
      assertThat(rule.getFrom().get(0).getPodSelector())
          .isEqualTo(policy.getSpec().getPodSelector());
      for (int i = 1; i < 3; i++) {
        ControllerPods.Pods pods = i == 1 ? controllers.kubeRay() : controllers.flowersim();
        assertThat(rule.getFrom().get(i).getNamespaceSelector().getMatchLabels())
            .isEqualTo(Map.of("kubernetes.io/metadata.name", pods.namespace()));
        assertThat(rule.getFrom().get(i).getPodSelector().getMatchLabels())
            .isEqualTo(pods.labels());
      }
    });

    // The API server's own selection: the pods KubeRay makes from the RayJob's templates (head,
    // workers, submitter) are selected, a pod of another simulation or of no simulation is not.
    // Pod Security admission, enforcing restricted here, admits the templates as they are.
    client.namespaces().withName(namespace).edit(n -> {
      n.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
      return n;
    });
    List<PodTemplateSpec> templates = new ArrayList<>();
    templates.add(job.getSpec().rayClusterSpec.headGroupSpec.template);
    job.getSpec().rayClusterSpec.workerGroupSpecs.forEach(w -> templates.add(w.template));
    templates.add(job.getSpec().submitterPodTemplate);
    for (int i = 0; i < templates.size(); i++) {
      createPod(new PodBuilder().withMetadata(templates.get(i).getMetadata())
          .withSpec(templates.get(i).getSpec()).editMetadata().withName("ray-" + i).endMetadata()
          .build());
    }
    Pod template = new PodBuilder().withMetadata(templates.get(0).getMetadata())
        .withSpec(templates.get(0).getSpec()).build();
    createPod(new PodBuilder(template).editMetadata().withName("other-simulation")
        .withLabels(Map.of(ManagedLabels.SIMULATION, "other")).endMetadata().build());
    createPod(new PodBuilder(template).editMetadata().withName("unrelated")
        .withLabels(Map.of("app", "unrelated")).endMetadata().build());
    assertThat(client.pods().inNamespace(namespace)
        .withLabelSelector(policy.getSpec().getPodSelector()).list().getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, templates.size()).mapToObj(i -> "ray-" + i).toList());
  }

  /**
   * The pod, never run: bound to a node that does not exist; without the PriorityClass, which
   * this cluster need not have.
   */
  void createPod(Pod pod) {
    // The namespace's default ServiceAccount, which pods without one get, comes shortly after it.
    await().atMost(WAIT).until(() ->
        client.serviceAccounts().inNamespace(namespace).withName("default").get() != null);
    pod.getSpec().setNodeName("flowersim-it-no-such-node");
    pod.getSpec().setPriorityClassName(null);
    pod.getMetadata().setNamespace(namespace);
    client.pods().inNamespace(namespace).resource(pod).create();
  }

  @Test
  void aLongNameGetsAShortenedRayJobName() {
    String longName = "a-simulation-whose-name-is-much-longer-than-kuberay-allows-for-rayjobs";
    FlowerSimulation sim = TestFlowerSimulations.minimal();
    sim.getMetadata().setName(longName);
    create(sim);

    FlowerSimulationStatus status = awaitStatus(longName, s -> s.rayJobName != null);
    assertThat(status.rayJobName).hasSizeLessThanOrEqualTo(RayJob.NAME_MAX_LENGTH)
        .startsWith("a-simulation-whose-name");
    assertThat(rayJob(status.rayJobName)).isNotNull();
  }

  @Test
  void aQueuedSimulationStartsSuspendedForKueueAndTheOperatorLeavesSuspendToKueue() {
    FlowerSimulation sim = TestFlowerSimulations.full();
    String name = create(sim).getMetadata().getName();
    RayJob job = await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    assertThat(job.getSpec().suspend).isTrue();
    assertThat(job.getMetadata().getLabels())
        .containsEntry("kueue.x-k8s.io/queue-name", "team-a-queue");
    FlowerSimulationStatus queued = awaitStatus(name, s -> s.phase == SimulationPhase.Queued);
    assertThat(queued.message).startsWith("queued in Kueue's team-a-queue: ");
    assertThat(condition(queued, "Admitted").status).isEqualTo("False");

    // Kueue admits the workload: it unsuspends the RayJob. The operator must not undo that.
    client.resources(RayJob.class).inNamespace(namespace).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"suspend\":false}}");
    setRayJobStatus(name, "Initializing", null, null);
    awaitStatus(name, s -> s.phase == SimulationPhase.Provisioning);
    assertThat(rayJob(name).getSpec().suspend).isFalse();
  }

  @Test
  void suspendingAndResumingFollowsSpecSuspend() {
    String name = create(TestFlowerSimulations.minimal()).getMetadata().getName();
    await().atMost(WAIT).until(() -> rayJob(name), j -> j != null && !j.getSpec().suspend);

    patchSpec(name, "{\"spec\":{\"suspend\":true}}");
    await().atMost(WAIT).until(() -> rayJob(name).getSpec().suspend);
    FlowerSimulationStatus status = awaitStatus(name, s -> s.phase == SimulationPhase.Suspended);
    assertThat(condition(status, "Validated").status).isEqualTo("True");

    patchSpec(name, "{\"spec\":{\"suspend\":false}}");
    await().atMost(WAIT).until(() -> !rayJob(name).getSpec().suspend);
  }

  // ---- phase from KubeRay's status --------------------------------------------------------------

  @Test
  void theRayJobStatusAsKubeRayWritesItMovesThePhase() {
    String name = create(TestFlowerSimulations.minimal()).getMetadata().getName();
    await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    awaitStatus(name, s -> s.phase == SimulationPhase.Pending);

    setRayJobStatus(name, "Initializing", "PENDING", null);
    awaitStatus(name, s -> s.phase == SimulationPhase.Provisioning);

    setRayJobStatus(name, "Running", "RUNNING", null);
    FlowerSimulationStatus running = awaitStatus(name, s -> s.phase == SimulationPhase.Running);
    assertThat(running.rayClusterName).isEqualTo(name + "-raycluster-x7k2p");
    assertThat(running.startTime).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(running.completionTime).isNull();

    setRayJobStatus(name, "Complete", "SUCCEEDED", "2026-01-02T04:00:00Z");
    FlowerSimulationStatus done = awaitStatus(name, s -> s.phase == SimulationPhase.Succeeded);
    assertThat(done.completionTime).isEqualTo("2026-01-02T04:00:00Z");
    assertThat(condition(done, "Completed").status).isEqualTo("True");
    assertThat(events(name)).contains("Normal/Provisioning", "Normal/Running",
        "Normal/Succeeded");

    // A finished simulation whose RayJob is deleted (by hand, by a TTL) does not run again.
    client.resources(RayJob.class).inNamespace(namespace).withName(name).delete();
    await().atMost(WAIT).until(() -> rayJob(name) == null);
    await().during(Duration.ofSeconds(3)).atMost(WAIT).until(
        () -> rayJob(name) == null && status(name).phase == SimulationPhase.Succeeded);
  }

  @Test
  void aFailedRayJobFailsTheSimulationWithKubeRaysMessageAndAWarning() {
    String name = create(TestFlowerSimulations.minimal()).getMetadata().getName();
    await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    client.resources(RayJob.class).inNamespace(namespace).withName(name).editStatus(j -> {
      j.setStatus(new RayJobStatus());
      j.getStatus().jobDeploymentStatus = "Failed";
      j.getStatus().message = "The RayJob has passed the activeDeadlineSeconds.";
      return j;
    });
    FlowerSimulationStatus failed = awaitStatus(name, s -> s.phase == SimulationPhase.Failed);
    assertThat(failed.message).isEqualTo("The RayJob has passed the activeDeadlineSeconds.");
    await().atMost(WAIT).until(() -> events(name).contains("Warning/Failed"));
  }

  // ---- the runtime's rounds in the status ---------------------------------------------------

  @Test
  void theRuntimeWritesEveryRoundAsItsServiceAccountAndTheStatusFollowsToSucceeded()
      throws Exception {
    FlowerSimulation sim = smallSynthetic(5);
    sim.getSpec().historyLimit = 3;
    String name = create(sim).getMetadata().getName();
    RayJob job = await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    setRayJobStatus(name, "Running", "RUNNING", null);
    awaitStatus(name, s -> s.phase == SimulationPhase.Running);

    List<Integer> roundsSeen = new CopyOnWriteArrayList<>();
    try (var watch = client.configMaps().inNamespace(namespace).withName(name + "-history")
        .watch(new RoundsWatcher(roundsSeen));
        KubernetesClient runtime = asRuntime(name)) {
      int code = Main.run(headEnvironment(job), runtime);
      assertThat(code).isEqualTo(ExitCode.OK);
      await().atMost(WAIT).until(() -> roundsSeen.contains(5));
    }
    // Every round was its own write, in order.
    assertThat(roundsSeen.stream().distinct().toList()).containsSubsequence(1, 2, 3, 4, 5);
    // The ConfigMap keeps the newest historyLimit rounds and says how many there were.
    var summary = JSON.readTree(client.configMaps().inNamespace(namespace)
        .withName(name + "-history").get().getData().get(HistoryConfigMap.SUMMARY_KEY));
    assertThat(summary.path("rounds").asInt()).isEqualTo(5);
    assertThat(summary.path("roundsKept").asInt()).isEqualTo(3);

    FlowerSimulationStatus done = awaitStatus(name, s -> s.phase == SimulationPhase.Succeeded);
    assertThat(done.currentRound).isEqualTo(5);
    assertThat(done.totalRounds).isEqualTo(5);
    assertThat(done.rounds).extracting(r -> r.round).containsExactly(3, 4, 5);
    assertThat(done.rounds).allSatisfy(r -> assertThat(r.fitClients).isEqualTo(2));
    assertThat(done.loss).isNotNull().isEqualTo(done.rounds.get(2).centralizedLoss != null
        ? done.rounds.get(2).centralizedLoss : done.rounds.get(2).distributedLoss);
    assertThat(done.message).isEqualTo("all 5 rounds completed");
  }

  @Test
  void aRunStartedAgainKeepsThePreviousAttemptsHistoryAndSaysSo() throws Exception {
    String name = create(smallSynthetic(3)).getMetadata().getName();
    RayJob job = await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    setRayJobStatus(name, "Running", "RUNNING", null);
    // What a first attempt left behind when its cluster was suspended after round 2.
    History earlier = new History(name);
    for (int round = 1; round <= 2; round++) {
      RoundRecord r = new RoundRecord();
      r.round = round;
      r.fitClients = 2;
      earlier.add(r);
    }
    String earlierJson = HistoryJson.toJson(earlier);
    client.configMaps().inNamespace(namespace).withName(name + "-history").edit(cm -> {
      cm.setData(Map.of(HistoryConfigMap.HISTORY_KEY, earlierJson,
          HistoryConfigMap.STATE_KEY, RunState.RUNNING.value()));
      return cm;
    });
    awaitStatus(name, s -> s.currentRound != null && s.currentRound == 2);

    try (KubernetesClient runtime = asRuntime(name)) {
      assertThat(Main.run(headEnvironment(job), runtime)).isEqualTo(ExitCode.OK);
    }
    ConfigMap history = client.configMaps().inNamespace(namespace).withName(name + "-history")
        .get();
    assertThat(history.getData().get(HistoryConfigMap.PREVIOUS_ATTEMPT_KEY))
        .isEqualTo(earlierJson);
    FlowerSimulationStatus done = awaitStatus(name, s -> s.phase == SimulationPhase.Succeeded);
    assertThat(done.currentRound).isEqualTo(3);
  }

  /** What the loss of the head pod does to the runtime: it stops, with nothing more written. */
  static final class HeadLost extends Error {
    HeadLost(int round) {
      super("head pod lost in round " + round);
    }
  }

  @Test
  void aRunThatLostItsHeadContinuesAfterItsCheckpointAndTheStatusSaysResumed(
      @TempDir Path claim) throws Exception {
    FlowerSimulation sim = smallSynthetic(5);
    sim.getSpec().checkpoint = new CheckpointSpec();
    sim.getSpec().checkpoint.persistentVolumeClaim = new DataSpec.ClaimReference();
    sim.getSpec().checkpoint.persistentVolumeClaim.claimName = "fsim-checkpoints";
    String name = create(sim).getMetadata().getName();
    RayJob job = await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    assertThat(job.getSpec().backoffLimit).isEqualTo(CheckpointSpec.RAY_JOB_RETRIES);
    setRayJobStatus(name, "Running", "RUNNING", null);
    awaitStatus(name, s -> s.phase == SimulationPhase.Running);

    // The head's environment, with the claim mounted here instead of in the pod.
    Map<String, String> env = headEnvironment(job);
    String inPod = env.get(RuntimeEnvironment.CHECKPOINT_DIR);
    assertThat(inPod).isEqualTo(CheckpointSpec.MOUNT_PATH + "/" + namespace + "/" + name);
    env.put(RuntimeEnvironment.CHECKPOINT_DIR,
        claim.resolve(inPod.substring(CheckpointSpec.MOUNT_PATH.length() + 1)).toString());

    List<List<Integer>> shown = new CopyOnWriteArrayList<>();
    try (var watch = client.resources(FlowerSimulation.class).inNamespace(namespace)
        .withName(name).watch(new StatusRoundsWatcher(shown));
        KubernetesClient runtime = asRuntime(name)) {
      // Round 3 is recorded, then the head is lost before its checkpoint.
      assertThatThrownBy(() -> Main.run(env, runtime, stopIn(3, () -> {
        throw new HeadLost(3);
      }))).isInstanceOf(HeadLost.class);
      awaitStatus(name, s -> s.currentRound != null && s.currentRound == 3);

      // KubeRay counts the failed attempt and makes a new cluster (spec.backoffLimit).
      client.resources(RayJob.class).inNamespace(namespace).withName(name).editStatus(j -> {
        j.getStatus().jobDeploymentStatus = RayJobStatus.DEPLOYMENT_RETRYING;
        j.getStatus().failed = 1;
        j.getStatus().message = "Job submission has failed.";
        return j;
      });
      FlowerSimulationStatus retrying = awaitStatus(name,
          s -> s.phase == SimulationPhase.Provisioning);
      assertThat(retrying.message).contains("attempt 1 of 4");
      setRayJobStatus(name, "Running", "RUNNING", null);

      // While the resumed run is in round 4, the operator says so.
      FlowerSimulationStatus[] inRound4 = new FlowerSimulationStatus[1];
      assertThat(Main.run(env, runtime, stopIn(4, () -> inRound4[0] = awaitStatus(name,
          s -> s.currentRound != null && s.currentRound == 4
              && "Resumed".equals(condition(s, "Running").reason))))).isEqualTo(ExitCode.OK);
      assertThat(inRound4[0].resumedFromRound).isEqualTo(2);
      assertThat(condition(inRound4[0], "Running").status).isEqualTo("True");
      assertThat(condition(inRound4[0], "Running").message)
          .startsWith("round 4 completed; resumed after round 2 of 5 from its checkpoint in "
              + env.get(RuntimeEnvironment.CHECKPOINT_DIR) + " on claim fsim-checkpoints");

      FlowerSimulationStatus done = awaitStatus(name, s -> s.phase == SimulationPhase.Succeeded);
      assertThat(done.resumedFromRound).isEqualTo(2);
      assertThat(done.currentRound).isEqualTo(5);
      assertThat(done.rounds).extracting(r -> r.round).containsExactly(1, 2, 3, 4, 5);
      await().atMost(WAIT).until(() -> shown.stream().anyMatch(r -> r.size() == 5));
    }
    // No status ever showed a round twice or left one out.
    assertThat(shown).isNotEmpty().allSatisfy(rounds -> assertThat(rounds)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, rounds.size()).boxed().toList()));
    await().atMost(WAIT).untilAsserted(() -> assertThat(eventsOn(name))
        .anyMatch(e -> "Normal".equals(e.getType()) && "Resumed".equals(e.getReason())
            && e.getMessage().contains("resumed after round 2 of 5")));
    assertThat(client.configMaps().inNamespace(namespace).withName(name + "-history").get()
        .getData()).doesNotContainKey(HistoryConfigMap.PREVIOUS_ATTEMPT_KEY)
        .containsEntry(HistoryConfigMap.RESUMED_FROM_ROUND_KEY, "2");
  }

  @Test
  void aSuspendedRunWithACheckpointClaimContinuesAfterItsCheckpointWhenResumed(
      @TempDir Path claim) throws Exception {
    FlowerSimulation sim = smallSynthetic(4);
    sim.getSpec().checkpoint = new CheckpointSpec();
    sim.getSpec().checkpoint.everyRounds = 2;
    sim.getSpec().checkpoint.persistentVolumeClaim = new DataSpec.ClaimReference();
    sim.getSpec().checkpoint.persistentVolumeClaim.claimName = "fsim-checkpoints";
    String name = create(sim).getMetadata().getName();
    RayJob job = await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    setRayJobStatus(name, "Running", "RUNNING", null);
    Map<String, String> env = headEnvironment(job);
    env.put(RuntimeEnvironment.CHECKPOINT_DIR, claim.toString());

    try (KubernetesClient runtime = asRuntime(name)) {
      // Suspended in round 3, after the checkpoint of round 2: KubeRay tears the cluster down.
      assertThatThrownBy(() -> Main.run(env, runtime, stopIn(3, () -> {
        throw new HeadLost(3);
      }))).isInstanceOf(HeadLost.class);
      patchSpec(name, "{\"spec\":{\"suspend\":true}}");
      await().atMost(WAIT).until(() -> rayJob(name).getSpec().suspend);
      setRayJobStatus(name, "Suspended", null, null);
      FlowerSimulationStatus suspended = awaitStatus(name,
          s -> s.phase == SimulationPhase.Suspended);
      assertThat(suspended.currentRound).isEqualTo(3);

      patchSpec(name, "{\"spec\":{\"suspend\":false}}");
      await().atMost(WAIT).until(() -> !rayJob(name).getSpec().suspend);
      setRayJobStatus(name, "Running", "RUNNING", null);
      assertThat(Main.run(env, runtime)).isEqualTo(ExitCode.OK);
    }
    FlowerSimulationStatus done = awaitStatus(name, s -> s.phase == SimulationPhase.Succeeded);
    assertThat(done.resumedFromRound).isEqualTo(2);
    assertThat(done.rounds).extracting(r -> r.round).containsExactly(1, 2, 3, 4);
    assertThat(condition(done, "Validated").status).isEqualTo("True");
    await().atMost(WAIT).until(() -> events(name).contains("Normal/Resumed"));
  }

  @Test
  void theRuntimesServiceAccountMayWriteOnlyItsOwnConfigMap() {
    String name = create(smallSynthetic(1)).getMetadata().getName();
    await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata()
        .withName("someone-else").endMetadata().build()).create();
    try (KubernetesClient runtime = asRuntime(name)) {
      await().atMost(WAIT).untilAsserted(() -> assertThat(runtime.configMaps()
          .inNamespace(namespace).withName(name + "-history").get()).isNotNull());
      assertThatThrownBy(() -> runtime.configMaps().inNamespace(namespace)
          .withName("someone-else")
          .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"x\":\"y\"}}"))
          .isInstanceOfSatisfying(KubernetesClientException.class,
              e -> assertThat(e.getCode()).isEqualTo(403));
      assertThatThrownBy(() -> runtime.resources(FlowerSimulation.class).inNamespace(namespace)
          .withName(name).get())
          .isInstanceOfSatisfying(KubernetesClientException.class,
              e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  @Test
  void restartingTheOperatorMidRunLosesNoRound() throws Exception {
    int rounds = 40;
    FlowerSimulation sim = smallSynthetic(rounds);
    sim.getSpec().historyLimit = rounds;
    String name = create(sim).getMetadata().getName();
    RayJob job = await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    setRayJobStatus(name, "Running", "RUNNING", null);
    awaitStatus(name, s -> s.phase == SimulationPhase.Running);

    CompletableFuture<Integer> run;
    int seenByFirst;
    try (KubernetesClient runtime = asRuntime(name)) {
      run = CompletableFuture.supplyAsync(() -> Main.run(headEnvironment(job), runtime));
      awaitStatus(name, s -> s.currentRound != null && s.currentRound >= 1);
      operator.close();
      operator = null;
      // A status patch already sent when close() returns may still land: take the round once
      // the stopped operator's last write has settled.
      Integer[] last = {status(name).currentRound};
      await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> {
        Integer now = status(name).currentRound;
        boolean same = now.equals(last[0]);
        last[0] = now;
        return same;
      });
      seenByFirst = last[0];
      assertThat(run.get(2, TimeUnit.MINUTES)).isEqualTo(ExitCode.OK);
    }
    assertThat(seenByFirst)
        .as("the first operator stopped before the run ended (else this test shows nothing)")
        .isLessThan(rounds);
    assertThat(status(name).currentRound).isEqualTo(seenByFirst);

    operator = startOperator(namespace);
    FlowerSimulationStatus done = awaitStatus(name, s -> s.phase == SimulationPhase.Succeeded);
    assertThat(done.currentRound).isEqualTo(rounds);
    assertThat(done.rounds).extracting(r -> r.round)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, rounds).boxed()
            .toList());
    // The new operator created nothing over the runtime's ConfigMap.
    assertThat(client.configMaps().inNamespace(namespace).withName(name + "-history").get()
        .getData()).containsEntry(HistoryConfigMap.STATE_KEY, "succeeded")
        .containsKey(HistoryConfigMap.HISTORY_KEY);
  }

  // ---- refused specs ------------------------------------------------------------------------

  @Test
  void theApiServerRefusesInvalidSpecsNamingTheField() {
    FlowerSimulation noRounds = TestFlowerSimulations.minimal();
    noRounds.getSpec().rounds = 0;
    assertRefused(noRounds, "spec.rounds");

    FlowerSimulation tooManyFit = TestFlowerSimulations.minimal();
    tooManyFit.getSpec().strategy = new StrategySpec();
    tooManyFit.getSpec().strategy.minFitClients = 11;
    assertRefused(tooManyFit, "spec.strategy.minFitClients");

    FlowerSimulation fraction = TestFlowerSimulations.minimal();
    fraction.getSpec().strategy = new StrategySpec();
    fraction.getSpec().strategy.fractionFit = 1.5;
    assertRefused(fraction, "spec.strategy.fractionFit");

    FlowerSimulation twins = TestFlowerSimulations.full();
    twins.getSpec().cluster.workerGroups.add(TestFlowerSimulations.workerGroup("gpu"));
    assertRefused(twins, "workerGroups names must be unique");

    assertThat(client.resources(FlowerSimulation.class).inNamespace(namespace).list().getItems())
        .isEmpty();
  }

  @Test
  void whatOnlyTheValidatorRefusesFailsTheSimulationAndMakesNothing() {
    FlowerSimulation sim = TestFlowerSimulations.minimal();
    sim.getSpec().strategy = new StrategySpec();
    sim.getSpec().strategy.proximalMu = 0.1; // FedProx's field on FedAvg
    String name = create(sim).getMetadata().getName();

    FlowerSimulationStatus failed = awaitStatus(name, s -> s.phase == SimulationPhase.Failed);
    assertThat(condition(failed, "Validated")).satisfies(c -> {
      assertThat(c.status).isEqualTo("False");
      assertThat(c.reason).isEqualTo("InvalidSpec");
      assertThat(c.message).contains("spec.strategy.proximalMu");
    });
    await().atMost(WAIT).until(() -> events(name).contains("Warning/Failed"));
    assertThat(rayJob(name)).isNull();
    assertThat(client.configMaps().inNamespace(namespace).withName(name + "-history").get())
        .isNull();
    assertThat(client.serviceAccounts().inNamespace(namespace).withName(name + "-runtime").get())
        .isNull();
    assertThat(client.network().v1().networkPolicies().inNamespace(namespace)
        .withName(name + "-ray").get()).isNull();
  }

  @Test
  void aSpecChangedWhileRunningIsReportedAndTheRunKeepsItsSpec() {
    String name = create(TestFlowerSimulations.minimal()).getMetadata().getName();
    RayJob before = await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    setRayJobStatus(name, "Running", "RUNNING", null);
    awaitStatus(name, s -> s.phase == SimulationPhase.Running);

    patchSpec(name, "{\"spec\":{\"rounds\":7}}");
    FlowerSimulationStatus status = awaitStatus(name, s -> s.observedGeneration == 2);
    assertThat(condition(status, "Validated")).satisfies(c -> {
      assertThat(c.status).isEqualTo("False");
      assertThat(c.reason).isEqualTo("SpecChangedWhileRunning");
      assertThat(c.message).contains("spec.rounds");
      assertThat(c.observedGeneration).isEqualTo(2);
    });
    assertThat(status.phase).isEqualTo(SimulationPhase.Running);
    assertThat(status.totalRounds).isEqualTo(3);
    assertThat(RayJobTemplate.startedSpec(rayJob(name)))
        .isEqualTo(RayJobTemplate.startedSpec(before));
  }

  // ---- cleanup ------------------------------------------------------------------------------

  @Test
  void deletingTheSimulationRemovesWhatItOwns() {
    String name = create(TestFlowerSimulations.minimal()).getMetadata().getName();
    await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);

    client.resources(FlowerSimulation.class).inNamespace(namespace).withName(name).delete();

    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      assertThat(rayJob(name)).isNull();
      assertThat(client.configMaps().inNamespace(namespace).withName(name + "-history").get())
          .isNull();
      assertThat(client.serviceAccounts().inNamespace(namespace).withName(name + "-runtime")
          .get()).isNull();
      assertThat(client.rbac().roles().inNamespace(namespace).withName(name + "-runtime").get())
          .isNull();
      assertThat(client.rbac().roleBindings().inNamespace(namespace).withName(name + "-runtime")
          .get()).isNull();
      assertThat(client.network().v1().networkPolicies().inNamespace(namespace)
          .withName(name + "-ray").get()).isNull();
    });
  }

  // ---- helpers ------------------------------------------------------------------------------

  FlowerSimulation smallSynthetic(int rounds) {
    FlowerSimulation sim = TestFlowerSimulations.minimal();
    sim.getSpec().rounds = rounds;
    sim.getSpec().clients.count = 4;
    sim.getSpec().strategy = new StrategySpec();
    sim.getSpec().strategy.fractionFit = 0.5;
    sim.getSpec().strategy.fractionEvaluate = 0.5;
    sim.getSpec().strategy.minFitClients = 2;
    sim.getSpec().strategy.minEvaluateClients = 2;
    sim.getSpec().strategy.minAvailableClients = 2;
    return sim;
  }

  FlowerSimulation create(FlowerSimulation sim) {
    sim.getMetadata().setNamespace(namespace);
    return client.resources(FlowerSimulation.class).inNamespace(namespace).resource(sim)
        .create();
  }

  void assertRefused(FlowerSimulation sim, String field) {
    assertThatThrownBy(() -> create(sim))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getMessage()).contains(field);
        });
  }

  void patchSpec(String name, String patch) {
    client.resources(FlowerSimulation.class).inNamespace(namespace).withName(name)
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
  }

  RayJob rayJob(String name) {
    return client.resources(RayJob.class).inNamespace(namespace).withName(name).get();
  }

  /** What KubeRay writes: deployment and job status, the cluster's name, start and end. */
  void setRayJobStatus(String name, String deployment, String jobStatus, String endTime) {
    client.resources(RayJob.class).inNamespace(namespace).withName(name).editStatus(j -> {
      j.setStatus(new RayJobStatus());
      j.getStatus().jobDeploymentStatus = deployment;
      j.getStatus().jobStatus = jobStatus;
      j.getStatus().rayClusterName = name + "-raycluster-x7k2p";
      j.getStatus().startTime = "2026-01-02T03:04:05Z";
      j.getStatus().endTime = endTime;
      return j;
    });
  }

  FlowerSimulationStatus status(String name) {
    return client.resources(FlowerSimulation.class).inNamespace(namespace).withName(name).get()
        .getStatus();
  }

  FlowerSimulationStatus awaitStatus(String name,
      Predicate<FlowerSimulationStatus> done) {
    return await().atMost(WAIT).until(() -> status(name), s -> s != null && done.test(s));
  }

  static Condition condition(FlowerSimulationStatus status, String type) {
    return status.conditions.stream().filter(c -> type.equals(c.type)).findFirst().orElseThrow();
  }

  List<String> events(String name) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .map(e -> e.getType() + "/" + e.getReason()).toList();
  }

  static void assertOwnedBy(HasMetadata owned, FlowerSimulation owner) {
    assertThat(owned).isNotNull();
    assertThat(owned.getMetadata().getOwnerReferences()).singleElement()
        .satisfies((OwnerReference ref) -> {
          assertThat(ref.getKind()).isEqualTo(FlowerSimulation.KIND);
          assertThat(ref.getName()).isEqualTo(owner.getMetadata().getName());
          assertThat(ref.getUid()).isEqualTo(owner.getMetadata().getUid());
        });
  }

  static Map<String, String> env(Container container) {
    return container.getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue()));
  }

  /** The environment the operator gave the Ray head, with the local backend for this JVM. */
  static Map<String, String> headEnvironment(RayJob job) {
    Map<String, String> env = new HashMap<>(env(
        job.getSpec().rayClusterSpec.headGroupSpec.template.getSpec().getContainers().get(0)));
    env.put(RuntimeEnvironment.BACKEND, "local");
    return env;
  }

  /** A client that acts as the runtime's ServiceAccount (the admin may impersonate it). */
  KubernetesClient asRuntime(String name) {
    return KubeApiServer.asServiceAccount(client, namespace, name + "-runtime");
  }

  /** Runs {@code action} in the runtime when round {@code round} has been recorded. */
  static ServerListener stopIn(int round, Runnable action) {
    return new ServerListener() {
      @Override
      public void roundFinished(RoundRecord record, History history) {
        if (record.round == round) {
          action.run();
        }
      }
    };
  }

  List<Event> eventsOn(String name) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
  }

  /** Records status.rounds' round numbers in each version of the simulation. */
  static final class StatusRoundsWatcher implements Watcher<FlowerSimulation> {
    private final List<List<Integer>> seen;

    StatusRoundsWatcher(List<List<Integer>> seen) {
      this.seen = seen;
    }

    @Override
    public void eventReceived(Action action, FlowerSimulation sim) {
      if (sim.getStatus() != null && !sim.getStatus().rounds.isEmpty()) {
        seen.add(sim.getStatus().rounds.stream().map(r -> r.round).toList());
      }
    }

    @Override
    public void onClose(WatcherException cause) {}
  }

  /** Records the rounds in each version of the history ConfigMap. */
  static final class RoundsWatcher implements Watcher<ConfigMap> {
    private final List<Integer> seen;

    RoundsWatcher(List<Integer> seen) {
      this.seen = seen;
    }

    @Override
    public void eventReceived(Action action, ConfigMap cm) {
      if (cm.getData() == null || cm.getData().get(HistoryConfigMap.HISTORY_KEY) == null) {
        return;
      }
      try {
        // history.json keeps only the newest historyLimit rounds: the newest one's number counts.
        var rounds = JSON.readTree(cm.getData().get(HistoryConfigMap.HISTORY_KEY)).path("rounds");
        if (!rounds.isEmpty()) {
          seen.add(rounds.get(rounds.size() - 1).path("round").asInt());
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void onClose(WatcherException cause) {}
  }
}

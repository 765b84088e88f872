package io.flowersim.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.TestFlowerSimulations;
import io.flowersim.api.v1alpha1.spec.CheckpointSpec;
import io.flowersim.api.v1alpha1.spec.DataSpec;
import io.flowersim.operator.OperatorSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RayJobTemplateTest {

  static RayJob build(FlowerSimulation sim) {
    return new RayJobTemplate(OperatorSettings.defaults()).build(sim);
  }

  static List<PodTemplateSpec> rayPods(RayJob job) {
    var rc = job.getSpec().rayClusterSpec;
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(rc.headGroupSpec.template),
        rc.workerGroupSpecs.stream().map(w -> w.template)).toList();
  }

  /** The writable /tmp every pod has, beside the volumes a test is about. */
  static boolean isTmp(String volume) {
    return RayJobTemplate.TMP_VOLUME.equals(volume);
  }

  @Test
  void theDataClaimIsMountedReadOnlyIntoTheHeadAndEveryWorker() {
    FlowerSimulation sim = TestFlowerSimulations.full();
    sim.getSpec().data = new DataSpec();
    sim.getSpec().data.persistentVolumeClaim = new DataSpec.ClaimReference();
    sim.getSpec().data.persistentVolumeClaim.claimName = "fashion-mnist";
    sim.getSpec().data.mountPath = "/datasets";
    RayJob job = build(sim);

    assertThat(rayPods(job)).hasSize(1 + sim.getSpec().cluster.workerGroups.size())
        .allSatisfy(t -> {
          PodSpec pod = t.getSpec();
          assertThat(pod.getVolumes())
              .filteredOn(v -> !RayJobTemplate.TMP_VOLUME.equals(v.getName()))
              .singleElement().satisfies(v -> {
            assertThat(v.getName()).isEqualTo(RayJobTemplate.DATA_VOLUME);
            assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("fashion-mnist");
            assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue();
          });
          assertThat(pod.getContainers().get(0).getVolumeMounts())
              .filteredOn(m -> !RayJobTemplate.TMP_VOLUME.equals(m.getName())).singleElement()
              .satisfies(m -> {
                assertThat(m.getMountPath()).isEqualTo("/datasets");
                assertThat(m.getReadOnly()).isTrue();
              });
        });
    assertThat(job.getSpec().submitterPodTemplate.getSpec().getVolumes())
        .extracting(v -> v.getName()).containsExactly(RayJobTemplate.TMP_VOLUME);
  }

  @Test
  void withoutDataNoVolumeButTmpIsAdded() {
    assertThat(rayPods(build(TestFlowerSimulations.full()))).allSatisfy(t ->
        assertThat(t.getSpec().getVolumes()).extracting(v -> v.getName())
            .containsExactly(RayJobTemplate.TMP_VOLUME));
  }

  @Test
  void aCheckpointClaimIsMountedReadWriteOnTheHeadOnlyAndKubeRayRetriesOnANewCluster() {
    FlowerSimulation sim = TestFlowerSimulations.full();
    sim.getSpec().checkpoint = new CheckpointSpec();
    sim.getSpec().checkpoint.persistentVolumeClaim = new DataSpec.ClaimReference();
    sim.getSpec().checkpoint.persistentVolumeClaim.claimName = "fsim-checkpoints";
    RayJob job = build(sim);

    assertThat(job.getSpec().backoffLimit).isEqualTo(CheckpointSpec.RAY_JOB_RETRIES);
    PodSpec head = job.getSpec().rayClusterSpec.headGroupSpec.template.getSpec();
    assertThat(head.getVolumes()).filteredOn(v -> !isTmp(v.getName())).singleElement()
        .satisfies(v -> {
      assertThat(v.getName()).isEqualTo(RayJobTemplate.CHECKPOINT_VOLUME);
      assertThat(v.getPersistentVolumeClaim().getClaimName()).isEqualTo("fsim-checkpoints");
      assertThat(v.getPersistentVolumeClaim().getReadOnly()).isNotEqualTo(Boolean.TRUE);
    });
    assertThat(head.getSecurityContext().getFsGroup()).isEqualTo(RayJobTemplate.RUNTIME_UID);
    Container runtime = head.getContainers().get(0);
    assertThat(runtime.getVolumeMounts()).filteredOn(m -> !isTmp(m.getName())).singleElement()
        .satisfies(m -> {
      assertThat(m.getMountPath()).isEqualTo("/var/lib/flowersim/checkpoints");
      assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
      assertThat(m.getSubPath()).isNull();
    });
    String namespace = sim.getMetadata().getNamespace();
    assertThat(runtime.getEnv()).filteredOn(e -> e.getName().equals("FLOWERSIM_CHECKPOINT_DIR"))
        .singleElement().satisfies(e -> assertThat(e.getValue()).isEqualTo(
            "/var/lib/flowersim/checkpoints/" + namespace + "/" + sim.getMetadata().getName()));
    // Only the runtime on the head writes checkpoints; workers and the submitter never see them.
    assertThat(job.getSpec().rayClusterSpec.workerGroupSpecs).allSatisfy(w ->
        assertThat(w.template.getSpec().getVolumes()).allMatch(v -> isTmp(v.getName())));
    assertThat(job.getSpec().submitterPodTemplate.getSpec().getVolumes())
        .allMatch(v -> isTmp(v.getName()));

    // Without a claim (everyRounds alone is for flowersim run) a failed Ray job stays failed.
    sim.getSpec().checkpoint.persistentVolumeClaim = null;
    RayJob without = build(sim);
    assertThat(without.getSpec().backoffLimit).isNull();
    PodSpec plainHead = without.getSpec().rayClusterSpec.headGroupSpec.template.getSpec();
    assertThat(plainHead.getVolumes()).allMatch(v -> isTmp(v.getName()));
    assertThat(plainHead.getSecurityContext().getFsGroup()).isNull();
    assertThat(plainHead.getContainers().get(0).getEnv())
        .noneMatch(e -> e.getName().equals("FLOWERSIM_CHECKPOINT_DIR"));
  }

  @Test
  void theSubmitterGoesWhereTheHeadGoesAndIsSmall() {
    FlowerSimulation sim = TestFlowerSimulations.full();
    sim.getSpec().priorityClassName = "research-low";
    sim.getSpec().cluster.head.nodeSelector.put("flowersim.io/node-pool", "real");
    sim.getSpec().cluster.head.tolerations.add(new TolerationBuilder().withKey("k")
        .withOperator("Exists").withEffect("NoSchedule").build());
    RayJob job = build(sim);

    PodSpec head = job.getSpec().rayClusterSpec.headGroupSpec.template.getSpec();
    PodSpec submitter = job.getSpec().submitterPodTemplate.getSpec();
    for (PodSpec pod : List.of(head, submitter)) {
      assertThat(pod.getNodeSelector()).isEqualTo(Map.of("flowersim.io/node-pool", "real"));
      assertThat(pod.getTolerations()).extracting(t -> t.getKey()).containsExactly("k");
      assertThat(pod.getPriorityClassName()).isEqualTo("research-low");
    }
    assertThat(submitter.getRestartPolicy()).isEqualTo("Never");
    Container container = submitter.getContainers().get(0);
    assertThat(container.getName()).isEqualTo(RayJobTemplate.SUBMITTER_CONTAINER);
    assertThat(container.getImage()).isEqualTo(head.getContainers().get(0).getImage());
    // KubeRay fills in `ray job submit` only where no command is given.
    assertThat(container.getCommand()).isNullOrEmpty();
    assertThat(container.getResources().getRequests()).containsEntry("cpu", new Quantity("100m"));
    // Workers keep their own placement.
    assertThat(job.getSpec().rayClusterSpec.workerGroupSpecs.get(0).template.getSpec()
        .getNodeSelector()).doesNotContainKey("flowersim.io/node-pool");
  }

  @Test
  void everyPodOfTheSimulationCarriesItsName() {
    FlowerSimulation sim = TestFlowerSimulations.full();
    RayJob job = build(sim);
    List<PodTemplateSpec> all = new java.util.ArrayList<>(rayPods(job));
    all.add(job.getSpec().submitterPodTemplate);
    assertThat(all).allSatisfy(t -> assertThat(t.getMetadata().getLabels())
        .containsEntry(ManagedLabels.SIMULATION, sim.getMetadata().getName())
        .containsEntry(ManagedLabels.MANAGED_BY, ManagedLabels.OPERATOR));
  }

  @Test
  void everyPodIsRestrictedReadOnlyButTmpAndOnlyTheHeadHasAServiceAccountToken() {
    RayJob job = build(TestFlowerSimulations.full());
    List<PodTemplateSpec> all = new java.util.ArrayList<>(rayPods(job));
    all.add(job.getSpec().submitterPodTemplate);
    assertThat(all).allSatisfy(t -> {
      var pod = t.getSpec().getSecurityContext();
      assertThat(pod.getRunAsNonRoot()).isTrue();
      assertThat(pod.getRunAsUser()).isEqualTo(RayJobTemplate.RUNTIME_UID);
      assertThat(pod.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      var container = t.getSpec().getContainers().get(0).getSecurityContext();
      assertThat(container.getAllowPrivilegeEscalation()).isFalse();
      assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
      // A read-only root; /tmp (Ray's temp dir, the JVM's) is the one writable path.
      assertThat(container.getReadOnlyRootFilesystem()).isTrue();
      assertThat(t.getSpec().getVolumes()).filteredOn(v -> "tmp".equals(v.getName()))
          .singleElement().satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
      assertThat(t.getSpec().getContainers().get(0).getVolumeMounts())
          .filteredOn(m -> "tmp".equals(m.getName())).singleElement().satisfies(m -> {
            assertThat(m.getMountPath()).isEqualTo("/tmp");
            assertThat(m.getReadOnly()).isNotEqualTo(Boolean.TRUE);
          });
    });
    PodTemplateSpec head = job.getSpec().rayClusterSpec.headGroupSpec.template;
    assertThat(head.getSpec().getAutomountServiceAccountToken()).isNull();
    assertThat(head.getSpec().getServiceAccountName()).isNotBlank();
    assertThat(all.subList(1, all.size())).allSatisfy(t ->
        assertThat(t.getSpec().getAutomountServiceAccountToken()).isFalse());
  }

  /** Only the worker groups that client groups name get their Ray resource, each its own. */
  @Test
  void aWorkerGroupThatClientGroupsNameOffersItsOwnRayResource() {
    FlowerSimulation sim = TestFlowerSimulations.full();
    sim.getSpec().cluster.workerGroups.add(TestFlowerSimulations.workerGroup("spare"));
    sim.getSpec().cluster.workerGroups.add(TestFlowerSimulations.workerGroup("cpu"));
    io.flowersim.api.v1alpha1.spec.ClientGroupSpec phones =
        new io.flowersim.api.v1alpha1.spec.ClientGroupSpec();
    phones.name = "phones";
    phones.count = 100;
    phones.workerGroup = "cpu";
    sim.getSpec().clients.groups = List.of(phones);

    var workers = build(sim).getSpec().rayClusterSpec.workerGroupSpecs;

    assertThat(workers).extracting(w -> w.groupName).containsExactly("gpu", "spare", "cpu");
    assertThat(workers.get(2).rayStartParams)
        .containsEntry("resources", "'{\"flowersim-worker-group-cpu\": 10000}'");
    assertThat(workers.get(0).rayStartParams).doesNotContainKey("resources");
    assertThat(workers.get(1).rayStartParams).doesNotContainKey("resources");
    assertThat(build(TestFlowerSimulations.full()).getSpec().rayClusterSpec.workerGroupSpecs)
        .allSatisfy(w -> assertThat(w.rayStartParams).doesNotContainKey("resources"));
  }

  /** Behind Kueue a finished cluster goes at once: its quota went to the next workload already. */
  @Test
  void aQueuedSimulationsClusterGoesAsSoonAsItFinishes() {
    FlowerSimulation queued = TestFlowerSimulations.full();
    FlowerSimulation unqueued = TestFlowerSimulations.full();
    unqueued.getSpec().queueName = null;

    assertThat(build(queued).getSpec().ttlSecondsAfterFinished).isZero();
    assertThat(build(unqueued).getSpec().ttlSecondsAfterFinished)
        .isEqualTo(OperatorSettings.DEFAULT_TTL_SECONDS_AFTER_FINISHED);
  }
}

package io.flowersim.operator.observer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.flowersim.api.v1alpha1.status.ConditionReason;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterTroubleTest {

  static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");

  static Event kubeRayEvent(String reason, String message, Instant last) {
    return new EventBuilder().withType("Warning").withReason(reason).withMessage(message)
        .withLastTimestamp(last.toString())
        .withNewInvolvedObject().withKind("RayCluster").withName("sim-abc").endInvolvedObject()
        .build();
  }

  static PodBuilder pod(String name) {
    return new PodBuilder().withNewMetadata().withName(name).endMetadata();
  }

  static Pod waiting(String name, String reason, String message) {
    return pod(name).withNewStatus().withContainerStatuses(new ContainerStatusBuilder()
        .withName("ray-head").withImage("flowersim/runtime:nope").withNewState().withNewWaiting()
        .withReason(reason).withMessage(message).endWaiting().endState().build())
        .endStatus().build();
  }

  @Test
  void aRefusedPodCreateIsPodCreationFailedWithKubeRaysMessage() {
    var trouble = ClusterTrouble.of(List.of(), List.of(kubeRayEvent("FailedToCreateHeadPod",
        "pods \"sim-abc-head-\" is forbidden: no PriorityClass with name p was found",
        NOW.minusSeconds(10))), NOW);
    assertThat(trouble).hasValueSatisfying(t -> {
      assertThat(t.reason()).isEqualTo(ConditionReason.PodCreationFailed);
      assertThat(t.message()).isEqualTo("RayCluster sim-abc: FailedToCreateHeadPod: pods "
          + "\"sim-abc-head-\" is forbidden: no PriorityClass with name p was found");
    });
  }

  @Test
  void anOldFailureWhoseCauseWentAwaySaysNothing() {
    assertThat(ClusterTrouble.of(List.of(), List.of(kubeRayEvent("FailedToCreateHeadPod", "x",
        NOW.minus(ClusterTrouble.RECENT).minusSeconds(1))), NOW)).isEmpty();
    assertThat(ClusterTrouble.of(List.of(), List.of(kubeRayEvent("CreatedHeadPod", "x", NOW)),
        NOW)).isEmpty();
  }

  @Test
  void aPodNoNodeFitsIsUnschedulable() {
    Pod pending = pod("w-1").withNewStatus().addNewCondition().withType("PodScheduled")
        .withStatus("False").withReason("Unschedulable")
        .withMessage("0/9 nodes are available: 1 Insufficient cpu.").endCondition().endStatus()
        .build();
    assertThat(ClusterTrouble.of(List.of(pending), List.of(), NOW)).contains(new ClusterTrouble(
        ConditionReason.Unschedulable, "pod w-1 cannot be scheduled: 0/9 nodes are available: 1 "
            + "Insufficient cpu."));
  }

  @Test
  void anImageThatCannotBePulledSaysTheSameInTheKubeletsTwoReasons() {
    String cause = "failed to pull and unpack image \"docker.io/flowersim/runtime:nope\": not found";
    var pull = ClusterTrouble.of(List.of(waiting("h", "ErrImagePull", cause)), List.of(), NOW);
    var backOff = ClusterTrouble.of(List.of(waiting("h", "ImagePullBackOff",
        "Back-off pulling image \"flowersim/runtime:nope\": ErrImagePull: " + cause)),
        List.of(), NOW);
    assertThat(pull).contains(new ClusterTrouble(ConditionReason.ImagePullFailed,
        "pod h, container ray-head, image flowersim/runtime:nope: " + cause));
    assertThat(backOff).isEqualTo(pull);
    assertThat(ClusterTrouble.of(List.of(waiting("h", "ErrImageNeverPull",
        "Container image \"x\" is not present with pull policy of Never")), List.of(), NOW))
        .hasValueSatisfying(t -> assertThat(t.reason()).isEqualTo(ConditionReason.ImagePullFailed));
  }

  @Test
  void aCrashingContainerIsContainerFailingWithItsLastExitCode() {
    Pod crashing = pod("h").withNewStatus().withContainerStatuses(new ContainerStatusBuilder()
        .withName("ray-head").withRestartCount(3).withNewState().withNewWaiting()
        .withReason("CrashLoopBackOff").withMessage("back-off 40s restarting").endWaiting()
        .endState().withNewLastState().withNewTerminated().withExitCode(137)
        .withReason("OOMKilled").endTerminated().endLastState().build()).endStatus().build();
    assertThat(ClusterTrouble.of(List.of(crashing), List.of(), NOW)).contains(new ClusterTrouble(
        ConditionReason.ContainerFailing,
        "pod h, container ray-head: CrashLoopBackOff (last exit code 137, OOMKilled)"));
  }

  @Test
  void podsOnTheirWayAreNoTrouble() {
    Pod creating = waiting("h", "ContainerCreating", null);
    Pod running = pod("w").withNewStatus().withPhase("Running").endStatus().build();
    assertThat(ClusterTrouble.of(List.of(creating, running), List.of(), NOW)).isEmpty();
  }

  @Test
  void refusedCreatesComeBeforePodsThatExist() {
    var trouble = ClusterTrouble.of(List.of(waiting("h", "ErrImagePull", "x")),
        List.of(kubeRayEvent("FailedToCreateWorkerPod", "quota", NOW)), NOW);
    assertThat(trouble).hasValueSatisfying(
        t -> assertThat(t.reason()).isEqualTo(ConditionReason.PodCreationFailed));
  }
}

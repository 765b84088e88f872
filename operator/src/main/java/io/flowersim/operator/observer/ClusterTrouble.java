package io.flowersim.operator.observer;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.flowersim.api.v1alpha1.status.ConditionReason;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Why a simulation's Ray cluster does not come up, in the words of KubeRay (it could not create
 * a pod), the scheduler (no node fits) or the kubelet (the image or the container fails). Without
 * this a simulation would sit in Provisioning saying nothing.
 *
 * @param reason the Running condition's reason, one whose {@link ConditionReason#isClusterTrouble}
 * @param message what KubeRay, the scheduler or the kubelet said, naming the pod
 */
public record ClusterTrouble(ConditionReason reason, String message) {

  /** KubeRay's events on a RayCluster or RayJob when the API server refused a pod. */
  private static final Set<String> POD_CREATE_EVENTS = Set.of("FailedToCreateHeadPod",
      "FailedToCreateWorkerPod", "FailedToCreateRayJobSubmitter");
  private static final Set<String> IMAGE_WAITING = Set.of("ErrImagePull", "ImagePullBackOff",
      "ErrImageNeverPull", "InvalidImageName");
  private static final Set<String> CONTAINER_WAITING = Set.of("CrashLoopBackOff",
      "CreateContainerError", "CreateContainerConfigError", "RunContainerError");
  /** KubeRay repeats a failed create on every reconcile; older events belong to a cured cause. */
  static final Duration RECENT = Duration.ofMinutes(2);

  /**
   * The first trouble, in the order a cluster comes up: pods not created, not placed, image,
   * containers.
   *
   * @param pods the simulation's Ray and submitter pods
   * @param events Events on the simulation's RayJob and RayCluster
   */
  public static Optional<ClusterTrouble> of(List<Pod> pods, List<Event> events, Instant now) {
    List<Pod> sorted = new ArrayList<>(pods);
    sorted.sort(Comparator.comparing(p -> p.getMetadata().getName()));
    return firstPresent(
        podCreation(events, now),
        sorted.stream().map(ClusterTrouble::unschedulable).flatMap(Optional::stream).findFirst(),
        sorted.stream().map(p -> waiting(p, IMAGE_WAITING, ConditionReason.ImagePullFailed))
            .flatMap(Optional::stream).findFirst(),
        sorted.stream().map(p -> waiting(p, CONTAINER_WAITING, ConditionReason.ContainerFailing))
            .flatMap(Optional::stream).findFirst());
  }

  @SafeVarargs
  private static Optional<ClusterTrouble> firstPresent(Optional<ClusterTrouble>... candidates) {
    return Stream.of(candidates).flatMap(Optional::stream).findFirst();
  }

  private static Optional<ClusterTrouble> podCreation(List<Event> events, Instant now) {
    return events.stream()
        .filter(e -> "Warning".equals(e.getType()) && POD_CREATE_EVENTS.contains(e.getReason()))
        .filter(e -> last(e).map(t -> !t.isBefore(now.minus(RECENT))).orElse(true))
        .max(Comparator.comparing(e -> last(e).orElse(Instant.EPOCH)))
        .map(e -> new ClusterTrouble(ConditionReason.PodCreationFailed,
            e.getInvolvedObject().getKind() + " " + e.getInvolvedObject().getName() + ": "
                + e.getReason() + ": " + e.getMessage()));
  }

  private static Optional<Instant> last(Event e) {
    String time = e.getLastTimestamp() != null ? e.getLastTimestamp()
        : e.getEventTime() != null ? e.getEventTime().getTime() : e.getFirstTimestamp();
    if (time == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(time));
    } catch (DateTimeParseException ex) {
      return Optional.empty();
    }
  }

  /** What a pull failure says, the same in ErrImagePull and the back-off that follows it. */
  static String pullFailure(String reason, String detail) {
    if (detail == null || detail.isBlank()) {
      return reason;
    }
    int cause = detail.indexOf("ErrImagePull: ");
    return cause >= 0 ? detail.substring(cause + "ErrImagePull: ".length()) : detail;
  }

  private static Optional<ClusterTrouble> unschedulable(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    for (PodCondition c : pod.getStatus().getConditions()) {
      if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus())
          && "Unschedulable".equals(c.getReason())) {
        return Optional.of(new ClusterTrouble(ConditionReason.Unschedulable,
            "pod " + pod.getMetadata().getName() + " cannot be scheduled: " + c.getMessage()));
      }
    }
    return Optional.empty();
  }

  private static Optional<ClusterTrouble> waiting(Pod pod, Set<String> reasons,
      ConditionReason reason) {
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    if (pod.getStatus().getInitContainerStatuses() != null) {
      statuses.addAll(pod.getStatus().getInitContainerStatuses());
    }
    if (pod.getStatus().getContainerStatuses() != null) {
      statuses.addAll(pod.getStatus().getContainerStatuses());
    }
    for (ContainerStatus s : statuses) {
      if (s.getState() == null || s.getState().getWaiting() == null
          || !reasons.contains(s.getState().getWaiting().getReason())) {
        continue;
      }
      String why = s.getState().getWaiting().getReason();
      StringBuilder message = new StringBuilder("pod ").append(pod.getMetadata().getName())
          .append(", container ").append(s.getName());
      if (reason == ConditionReason.ImagePullFailed) {
        // The kubelet alternates ErrImagePull and ImagePullBackOff; the cause is in both.
        message.append(", image ").append(s.getImage()).append(": ")
            .append(pullFailure(why, s.getState().getWaiting().getMessage()));
      } else {
        message.append(": ").append(why);
        if (s.getLastState() != null && s.getLastState().getTerminated() != null) {
          var last = s.getLastState().getTerminated();
          message.append(" (last exit code ").append(last.getExitCode());
          if (last.getReason() != null) {
            message.append(", ").append(last.getReason());
          }
          message.append(")");
        } else if (s.getState().getWaiting().getMessage() != null
            && !"CrashLoopBackOff".equals(why)) {
          message.append(": ").append(s.getState().getWaiting().getMessage());
        }
      }
      return Optional.of(new ClusterTrouble(reason, message.toString()));
    }
    return Optional.empty();
  }
}

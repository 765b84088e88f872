package io.flowersim.operator.observer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.kuberay.RayJobStatus;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap.RunState;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.operator.dependent.ManagedLabels;
import io.flowersim.operator.kueue.KueueAdmission;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhaseObserverTest {

  static RayJob job(String deployment, String jobStatus) {
    RayJob job = new RayJob();
    job.getSpec().suspend = false;
    if (deployment != null) {
      job.setStatus(new RayJobStatus());
      job.getStatus().jobDeploymentStatus = deployment;
      job.getStatus().jobStatus = jobStatus;
    }
    return job;
  }

  static HistoryReading rounds(int n, RunState state) {
    StringBuilder json = new StringBuilder("{\"simulation\":\"s\",\"rounds\":[");
    for (int i = 1; i <= n; i++) {
      json.append(i > 1 ? "," : "").append("{\"round\":").append(i)
          .append(",\"distributedLoss\":0.5,\"durationSeconds\":1.0,\"unknownField\":1}");
    }
    json.append("]}");
    Map<String, String> data = new HashMap<>();
    data.put(HistoryConfigMap.HISTORY_KEY, json.toString());
    if (state != null) {
      data.put(HistoryConfigMap.STATE_KEY, state.value());
    }
    return HistoryReading.of(new ConfigMapBuilder().withData(data).build());
  }

  @ParameterizedTest
  @CsvSource({
      ",,Pending",
      "Initializing,PENDING,Provisioning",
      "Waiting,,Provisioning",
      "Retrying,,Provisioning",
      "Running,RUNNING,Running",
      "Complete,SUCCEEDED,Succeeded",
      "Complete,FAILED,Failed",
      "Complete,STOPPED,Failed",
      "Failed,,Failed",
      "Suspended,,Suspended",
      "Suspending,,Suspended",
      "SomethingNew,,Provisioning"})
  void kubeRaysStatusAloneGivesThePhase(String deployment, String jobStatus,
      SimulationPhase phase) {
    assertThat(PhaseObserver.observe(job(deployment, jobStatus), HistoryReading.NONE, 3).phase())
        .isEqualTo(phase);
  }

  @Test
  void noRayJobIsPendingAndASuspendedOneWithoutStatusIsSuspended() {
    assertThat(PhaseObserver.observe(null, HistoryReading.NONE, 3).phase())
        .isEqualTo(SimulationPhase.Pending);
    RayJob suspended = job(null, null);
    suspended.getSpec().suspend = true;
    assertThat(PhaseObserver.observe(suspended, HistoryReading.NONE, 3).phase())
        .isEqualTo(SimulationPhase.Suspended);
  }

  @Test
  void recordedRoundsMeanRunningBeforeKubeRayWroteAnyStatus() {
    assertThat(PhaseObserver.observe(job(null, null), rounds(1, null), 3).phase())
        .isEqualTo(SimulationPhase.Running);
  }

  @Test
  void recordedRoundsMeanRunningBeforeKubeRaySaysSo() {
    Observation o = PhaseObserver.observe(job("Initializing", null), rounds(2, RunState.RUNNING),
        3);
    assertThat(o.phase()).isEqualTo(SimulationPhase.Running);
    assertThat(o.message()).isEqualTo("round 2 completed");
  }

  @Test
  void whenKubeRayGivesUpRetryingTheLastAttemptsFailureIsInTheMessage() {
    HistoryReading one = rounds(4, RunState.RUNNING);
    HistoryReading broken = new HistoryReading(one.rounds(), RunState.RUNNING,
        "round 5 failed: Broken pipe; this attempt ended", null);
    RayJob failed = job("Failed", null);
    failed.getStatus().message = "Job submission has failed.";
    Observation o = PhaseObserver.observe(failed, broken, 10);
    assertThat(o.phase()).isEqualTo(SimulationPhase.Failed);
    assertThat(o.reason()).isEqualTo("RayJobFailed");
    assertThat(o.message()).isEqualTo("Job submission has failed.; the runtime: round 5 failed: "
        + "Broken pipe; this attempt ended");
    assertThat(PhaseObserver.observe(failed, HistoryReading.NONE, 10).message())
        .isEqualTo("Job submission has failed.");
  }

  @Test
  void aRunThatStartedAgainSaysSoWhileItRuns() {
    Map<String, String> data = new HashMap<>();
    data.put(HistoryConfigMap.HISTORY_KEY, "{\"simulation\":\"s\",\"rounds\":[{\"round\":1}]}");
    data.put(HistoryConfigMap.STATE_KEY, "running");
    data.put(HistoryConfigMap.MESSAGE_KEY,
        "started again from round 1: the previous attempt reached round 4");
    data.put(HistoryConfigMap.PREVIOUS_ATTEMPT_KEY, "{\"simulation\":\"s\",\"rounds\":"
        + "[{\"round\":1},{\"round\":2},{\"round\":3},{\"round\":4}]}");
    HistoryReading restarted = HistoryReading.of(new ConfigMapBuilder().withData(data).build());
    Observation o = PhaseObserver.observe(job("Running", "RUNNING"), restarted, 5);
    assertThat(o.phase()).isEqualTo(SimulationPhase.Running);
    assertThat(o.reason()).isEqualTo("Restarted");
    assertThat(o.message()).isEqualTo(
        "round 1 completed; started again from round 1: the previous attempt reached round 4");
  }

  /**
   * Resumed after a suspension (or admitted again by Kueue): KubeRay's new cluster runs the Ray
   * job before the new attempt's runtime writes, and the ConfigMap still holds the suspended
   * attempt's note that it broke and that the run goes on after its checkpoint. That run did not
   * start again at round 1, so the reason is not Restarted.
   */
  @Test
  void anEarlierAttemptsNoteThatItBrokeIsNoRestartFromRoundOne() {
    HistoryReading twenty = rounds(20, RunState.RUNNING);
    Map<String, String> data = new HashMap<>();
    data.put(HistoryConfigMap.HISTORY_KEY, "{\"simulation\":\"s\",\"rounds\":[{\"round\":1}]}");
    data.put(HistoryConfigMap.STATE_KEY, "running");
    data.put(HistoryConfigMap.MESSAGE_KEY, "round 21 failed: Broken pipe; this attempt ended, "
        + "and a retry continues after the newest checkpoint in d");
    HistoryReading broken = HistoryReading.of(new ConfigMapBuilder().withData(data).build());
    assertThat(broken.beganAgain()).isFalse();
    broken = new HistoryReading(twenty.rounds(), broken.state(), broken.message(), null, null,
        broken.beganAgain());
    Observation o = PhaseObserver.observe(job("Running", "RUNNING"), broken, 100);
    assertThat(o.phase()).isEqualTo(SimulationPhase.Running);
    assertThat(o.reason()).isEqualTo("Running");
    assertThat(o.message()).isEqualTo("round 20 completed; round 21 failed: Broken pipe; this "
        + "attempt ended, and a retry continues after the newest checkpoint in d");
    // The new attempt writes the checkpoint's history and round: Resumed from then on.
    Map<String, String> resumedData = new HashMap<>(data);
    resumedData.put(HistoryConfigMap.RESUMED_FROM_ROUND_KEY, "20");
    resumedData.put(HistoryConfigMap.MESSAGE_KEY, "resumed after round 20 of 100");
    assertThat(PhaseObserver.observe(job("Running", "RUNNING"), HistoryReading.of(
        new ConfigMapBuilder().withData(resumedData).build()), 100).reason())
        .isEqualTo("Resumed");
  }

  @Test
  void aRunThatContinuedAfterACheckpointIsResumedAndAKubeRayRetryIsProvisioning() {
    Map<String, String> data = new HashMap<>();
    data.put(HistoryConfigMap.HISTORY_KEY, "{\"simulation\":\"s\",\"rounds\":[{\"round\":1},"
        + "{\"round\":2},{\"round\":3}]}");
    data.put(HistoryConfigMap.STATE_KEY, "running");
    data.put(HistoryConfigMap.RESUMED_FROM_ROUND_KEY, "2");
    data.put(HistoryConfigMap.MESSAGE_KEY, "resumed after round 2 of 5 from its checkpoint in d");
    HistoryReading resumed = HistoryReading.of(new ConfigMapBuilder().withData(data).build());
    assertThat(resumed.resumedFromRound()).isEqualTo(2);
    Observation o = PhaseObserver.observe(job("Running", "RUNNING"), resumed, 5);
    assertThat(o.phase()).isEqualTo(SimulationPhase.Running);
    assertThat(o.reason()).isEqualTo("Resumed");
    assertThat(o.message())
        .isEqualTo("round 3 completed; resumed after round 2 of 5 from its checkpoint in d");

    // The head pod was lost: the rounds are the failed attempt's, nothing runs until KubeRay's
    // new cluster does.
    RayJob retrying = job("Retrying", "RUNNING");
    retrying.getSpec().backoffLimit = 3;
    retrying.getStatus().failed = 1;
    retrying.getStatus().message = "Job submission has failed.";
    Observation r = PhaseObserver.observe(retrying, rounds(3, RunState.RUNNING), 5);
    assertThat(r.phase()).isEqualTo(SimulationPhase.Provisioning);
    assertThat(r.reason()).isEqualTo("ClusterProvisioning");
    assertThat(r.message()).isEqualTo("the Ray job failed (attempt 1 of 4): Job submission has "
        + "failed.; KubeRay starts it again on a new Ray cluster (Retrying)");
    // Until the new cluster runs the job, whatever the failed attempt recorded.
    RayJob initializing = job("Initializing", null);
    initializing.getStatus().failed = 1;
    assertThat(PhaseObserver.observe(initializing, rounds(3, RunState.RUNNING), 5).phase())
        .isEqualTo(SimulationPhase.Provisioning);
    RayJob running = job("Running", "RUNNING");
    running.getStatus().failed = 1;
    assertThat(PhaseObserver.observe(running, resumed, 5).reason()).isEqualTo("Resumed");
  }

  @Test
  void aResumedFromRoundThatIsNoRoundIsIgnored() {
    for (String bad : List.of("", "x", "-1", "2.5")) {
      assertThat(HistoryReading.of(new ConfigMapBuilder()
          .addToData(HistoryConfigMap.RESUMED_FROM_ROUND_KEY, bad).build()).resumedFromRound())
          .as(bad).isNull();
    }
  }

  @Test
  void theRuntimesFinalStateWinsOverKubeRaysRunning() {
    assertThat(PhaseObserver.observe(job("Running", "RUNNING"), rounds(3, RunState.SUCCEEDED), 3)
        .phase()).isEqualTo(SimulationPhase.Succeeded);
    HistoryReading failed = HistoryReading.of(new ConfigMapBuilder().addToData(
        HistoryConfigMap.STATE_KEY, "failed").addToData(HistoryConfigMap.MESSAGE_KEY,
        "round 2 failed: too many failures").build());
    Observation o = PhaseObserver.observe(job("Running", "RUNNING"), failed, 3);
    assertThat(o.phase()).isEqualTo(SimulationPhase.Failed);
    assertThat(o.message()).isEqualTo("round 2 failed: too many failures");
  }

  static RayJob queued(String deployment, boolean suspend) {
    RayJob job = job(deployment, null);
    job.getSpec().suspend = suspend;
    job.getMetadata().setLabels(Map.of(ManagedLabels.KUEUE_QUEUE_NAME, "team-b"));
    return job;
  }

  @Test
  void aSuspendedRayJobInAQueueIsQueuedWithKueuesReason() {
    KueueAdmission noQuota = new KueueAdmission(false, "Pending", "insufficient unused quota");
    for (String deployment : new String[] {null, "Suspended", "Suspending"}) {
      Observation o = PhaseObserver.observe(queued(deployment, true), HistoryReading.NONE, 3,
          noQuota);
      assertThat(o.phase()).as(deployment).isEqualTo(SimulationPhase.Queued);
      assertThat(o.reason()).isEqualTo("Pending");
      assertThat(o.message()).isEqualTo("queued in Kueue's team-b: insufficient unused quota");
      assertThat(o.admission()).isEqualTo(noQuota);
    }
  }

  @Test
  void anAdmittedRayJobLeavesQueuedAndKeepsTheAdmission() {
    KueueAdmission admitted = new KueueAdmission(true, "Admitted", "admitted");
    Observation resuming = PhaseObserver.observe(queued("Suspended", false), HistoryReading.NONE,
        3, admitted);
    assertThat(resuming.phase()).isEqualTo(SimulationPhase.Provisioning);
    assertThat(resuming.admission()).isEqualTo(admitted);
    assertThat(PhaseObserver.observe(queued("Running", false), HistoryReading.NONE, 3, admitted)
        .phase()).isEqualTo(SimulationPhase.Running);
    assertThat(PhaseObserver.observe(queued(null, false), HistoryReading.NONE, 3, admitted)
        .phase()).isEqualTo(SimulationPhase.Pending);
  }

  @Test
  void aQueuedRayJobWithoutAWorkloadYetSaysSo() {
    Observation o = PhaseObserver.observe(queued(null, true), HistoryReading.NONE, 3, null);
    assertThat(o.phase()).isEqualTo(SimulationPhase.Queued);
    assertThat(o.reason()).isEqualTo(KueueAdmission.noWorkload().reason());
  }

  @Test
  void theHistoryReadsRoundsAndReportsUnreadableData() {
    HistoryReading reading = rounds(4, null);
    assertThat(reading.rounds()).extracting(r -> r.round).containsExactly(1, 2, 3, 4);
    assertThat(reading.currentRound()).isEqualTo(4);
    assertThat(reading.problem()).isNull();

    HistoryReading broken = HistoryReading.of(new ConfigMapBuilder()
        .addToData(HistoryConfigMap.HISTORY_KEY, "{not json").build());
    assertThat(broken.rounds()).isEqualTo(List.of());
    assertThat(broken.problem()).contains(HistoryConfigMap.HISTORY_KEY);
  }
}

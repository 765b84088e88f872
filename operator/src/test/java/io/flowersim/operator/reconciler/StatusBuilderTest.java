package io.flowersim.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.TestFlowerSimulations;
import io.flowersim.api.v1alpha1.status.Condition;
import io.flowersim.api.v1alpha1.status.ConditionReason;
import io.flowersim.api.v1alpha1.status.FlowerSimulationStatus;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.operator.kueue.KueueAdmission;
import io.flowersim.operator.observer.HistoryReading;
import io.flowersim.operator.observer.Observation;
import io.flowersim.operator.validation.SpecValidation;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatusBuilderTest {

  static final Observation RUNNING = new Observation(SimulationPhase.Running,
      ConditionReason.Running, "r");
  static final Observation PENDING = new Observation(SimulationPhase.Pending,
      ConditionReason.RayJobPending, "p");

  static FlowerSimulation sim(long generation) {
    FlowerSimulation sim = TestFlowerSimulations.minimal();
    sim.getMetadata().setGeneration(generation);
    return sim;
  }

  static HistoryReading rounds(int n) {
    List<RoundRecord> records = IntStream.rangeClosed(1, n).mapToObj(i -> {
      RoundRecord r = new RoundRecord();
      r.round = i;
      r.distributedLoss = 1.0 / i;
      r.centralizedMetrics.put("accuracy", 0.1 * i);
      return r;
    }).toList();
    return new HistoryReading(records, null, null, null);
  }

  static Condition condition(FlowerSimulationStatus s, String type) {
    return s.conditions.stream().filter(c -> c.type.equals(type)).findFirst().orElseThrow();
  }

  @Test
  void mirrorsTheNewestRoundsUpToTheHistoryLimit() {
    FlowerSimulation sim = sim(1);
    sim.getSpec().historyLimit = 2;
    FlowerSimulationStatus s = new StatusBuilder(sim, RUNNING, "2026-01-01T00:00:00Z")
        .history(rounds(5)).totalRounds(5).build();
    assertThat(s.rounds).extracting(r -> r.round).containsExactly(4, 5);
    assertThat(s.currentRound).isEqualTo(5);
    assertThat(s.loss).isEqualTo(0.2);
    assertThat(s.accuracy).isEqualTo(0.5);
    assertThat(s.startTime).isEqualTo("2026-01-01T00:00:00Z");
  }

  @Test
  void aResumedRunSaysFromWhichRoundWithEachRoundOnceAndKeepsSayingItWhenDone() {
    HistoryReading five = rounds(5);
    HistoryReading resumed = new HistoryReading(five.rounds(), null, "resumed after round 3",
        null, 3);
    FlowerSimulation sim = sim(1);
    FlowerSimulationStatus running = new StatusBuilder(sim, new Observation(
        SimulationPhase.Running, ConditionReason.Resumed, "round 5 completed; resumed"),
        "2026-01-01T00:00:00Z").history(resumed).totalRounds(6).build();
    assertThat(running.resumedFromRound).isEqualTo(3);
    assertThat(running.rounds).extracting(r -> r.round).containsExactly(1, 2, 3, 4, 5);
    assertThat(condition(running, "Running").reason).isEqualTo("Resumed");
    assertThat(condition(running, "Running").status).isEqualTo("True");

    sim.setStatus(running);
    FlowerSimulationStatus done = new StatusBuilder(sim, new Observation(
        SimulationPhase.Succeeded, ConditionReason.Succeeded, "all 6 rounds completed"),
        "2026-01-01T00:01:00Z").history(resumed).totalRounds(6).build();
    assertThat(done.resumedFromRound).isEqualTo(3);

    assertThat(new StatusBuilder(sim(1), RUNNING, "2026-01-01T00:00:00Z").history(rounds(2))
        .build().resumedFromRound).isNull();
  }

  @Test
  void lastTransitionTimeAndStartTimeStayWhileNothingFlips() {
    FlowerSimulation sim = sim(1);
    sim.setStatus(new StatusBuilder(sim, RUNNING, "2026-01-01T00:00:00Z").history(rounds(1))
        .build());
    FlowerSimulationStatus later = new StatusBuilder(sim, RUNNING, "2026-01-01T00:05:00Z")
        .history(rounds(2)).build();
    assertThat(condition(later, "Running").lastTransitionTime).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(later.startTime).isEqualTo("2026-01-01T00:00:00Z");

    sim.setStatus(later);
    FlowerSimulationStatus done = new StatusBuilder(sim,
        new Observation(SimulationPhase.Succeeded, ConditionReason.Succeeded, "done"),
        "2026-01-01T00:09:00Z").history(rounds(3)).build();
    assertThat(condition(done, "Running").lastTransitionTime).isEqualTo("2026-01-01T00:09:00Z");
    assertThat(condition(done, "Completed").status).isEqualTo("True");
    assertThat(done.completionTime).isEqualTo("2026-01-01T00:09:00Z");
  }

  @Test
  void aTerminalPhaseStaysForTheSameGeneration() {
    FlowerSimulation sim = sim(3);
    FlowerSimulationStatus failed = new FlowerSimulationStatus();
    failed.phase = SimulationPhase.Failed;
    failed.observedGeneration = 3L;
    failed.message = "deadline";
    sim.setStatus(failed);
    FlowerSimulationStatus s = new StatusBuilder(sim, PENDING, "2026-01-01T00:00:00Z").build();
    assertThat(s.phase).isEqualTo(SimulationPhase.Failed);
    assertThat(s.message).isEqualTo("deadline");

    sim.getMetadata().setGeneration(4L);
    assertThat(new StatusBuilder(sim, PENDING, "2026-01-01T00:00:00Z").build().phase)
        .isEqualTo(SimulationPhase.Pending);
  }

  @Test
  void anInvalidSpecBeforeAnyRunFailsWithTheErrorsAndGeneration() {
    FlowerSimulationStatus s = new StatusBuilder(sim(2), PENDING, "2026-01-01T00:00:00Z")
        .validation(new SpecValidation(List.of("spec.strategy.proximalMu: only for FedProx")))
        .build();
    assertThat(s.phase).isEqualTo(SimulationPhase.Failed);
    assertThat(condition(s, "Validated")).satisfies(c -> {
      assertThat(c.status).isEqualTo("False");
      assertThat(c.reason).isEqualTo("InvalidSpec");
      assertThat(c.observedGeneration).isEqualTo(2L);
      assertThat(c.message).contains("spec.strategy.proximalMu");
    });
    assertThat(s.observedGeneration).isEqualTo(2L);
  }

  @Test
  void anInvalidEditDuringARunKeepsThePhaseAndSaysTheRunGoesOn() {
    RayJob job = new RayJob();
    job.getMetadata().setName("fmnist-100");
    FlowerSimulationStatus s = new StatusBuilder(sim(2), RUNNING, "2026-01-01T00:00:00Z")
        .rayJob(job).history(rounds(1))
        .validation(new SpecValidation(List.of("spec.rounds: must be at least 1"))).build();
    assertThat(s.phase).isEqualTo(SimulationPhase.Running);
    assertThat(s.rayJobName).isEqualTo("fmnist-100");
    assertThat(condition(s, "Validated").message).isEqualTo(
        "spec.rounds: must be at least 1; the run goes on with the spec it started with");
    assertThat(condition(s, "Running").reason).isEqualTo("Running");
  }

  @Test
  void aQueuedSimulationGetsTheAdmittedConditionFromKueue() {
    FlowerSimulation sim = sim(1);
    Observation queued = new Observation(SimulationPhase.Queued, "Pending", "queued: no quota",
        new KueueAdmission(false, "Pending", "no quota"));
    FlowerSimulationStatus s = new StatusBuilder(sim, queued, "2026-01-01T00:00:00Z").build();
    assertThat(s.phase).isEqualTo(SimulationPhase.Queued);
    Condition admitted = condition(s, "Admitted");
    assertThat(admitted.status).isEqualTo("False");
    assertThat(admitted.reason).isEqualTo("Pending");
    assertThat(admitted.message).isEqualTo("no quota");
    assertThat(admitted.observedGeneration).isEqualTo(1L);
    assertThat(new StatusBuilder(sim, PENDING, "2026-01-01T00:00:00Z").build().conditions)
        .extracting(c -> c.type)
        .doesNotContain("Admitted");
  }
}

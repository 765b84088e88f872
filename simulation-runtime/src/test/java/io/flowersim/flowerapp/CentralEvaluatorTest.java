package io.flowersim.flowerapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowersim.client.EvaluateResult;
import io.flowersim.client.Parameters;
import io.flowersim.task.TaskConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * spec.flowerApp.evaluateFn in its Python process (the real flwr, in the venv python/env.sh
 * makes): called with the round and the global model as an ArrayRecord, its MetricRecord as the
 * server's centralized evaluation, and a raising or hanging one failing with the field and the
 * round.
 */
class CentralEvaluatorTest {

  private static final Path APP = Path.of("src/test/resources/flowerapps/message_api")
      .toAbsolutePath();

  private static CentralEvaluator evaluator(String evaluateFn) {
    return evaluator(evaluateFn, Duration.ofMinutes(2));
  }

  private static CentralEvaluator evaluator(String evaluateFn, Duration callTimeout) {
    CentralEvaluator central = CentralEvaluator.start(PythonEnvironment.find(), new FlowerApp(APP,
        null, Map.of(), "message_app.client_app:initial_arrays", evaluateFn), callTimeout);
    central.awaitReady(Duration.ofMinutes(2));
    return central;
  }

  private static Parameters model(float first, float steps) {
    return Parameters.builder()
        .add("w", new int[] {2, 3}, new float[] {first, 2, 3, 4, 5, 6})
        .add("steps", new int[] {1}, new float[] {steps}, "int64").build();
  }

  @Test
  void theMetricRecordOfEachRoundIsTheCentralizedEvaluation() {
    try (CentralEvaluator central = evaluator("message_app.central:global_evaluate")) {
      EvaluateResult initial = central.apply(0, model(0, 0)).orElseThrow();
      assertThat(initial.loss()).isEqualTo(20.0);
      EvaluateResult third = central.apply(3, model(1.5f, 2)).orElseThrow();
      // loss = sum(w) + round; the list metric is left out, num-examples is the count; steps
      // arrives in the dtype its tensor names.
      assertThat(third.loss()).isEqualTo(21.5 + 3);
      assertThat(third.numExamples()).isEqualTo(7);
      assertThat(third.metrics()).containsExactlyInAnyOrderEntriesOf(
          Map.of("loss", 24.5, "server-round", 3.0, "steps", 2.0, "steps-int64", 1.0));
    }
  }

  @Test
  void anEvaluateFnReturningNoneEvaluatesNothingThatRound() {
    try (CentralEvaluator central = evaluator("message_app.central:every_other_round")) {
      assertThat(central.apply(1, model(0, 0))).isEmpty();
      Optional<EvaluateResult> second = central.apply(2, model(0, 0));
      assertThat(second).get().extracting(EvaluateResult::loss).isEqualTo(2.0);
      assertThat(second.get().numExamples()).isZero();
    }
  }

  @Test
  void aRaisingEvaluateFnFailsNamingTheFieldAndTheRound() {
    try (CentralEvaluator central = evaluator("message_app.central:raise_in_round_two")) {
      assertThat(central.apply(1, model(0, 0))).isPresent();
      assertThatThrownBy(() -> central.apply(2, model(0, 0)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("spec.flowerApp.evaluateFn (message_app.central:raise_in_round_two) "
              + "failed in round 2: ValueError: no central test set in round 2");
    }
  }

  @Test
  void anEvaluateFnStillRunningAfterTheRoundTimeoutFailsTheRoundAndIsKilled() {
    try (CentralEvaluator central = evaluator("message_app.central:hang_in_round_two",
        Duration.ofSeconds(3))) {
      assertThat(central.apply(1, model(0, 0))).isPresent();
      long pid = central.pid();
      assertThatThrownBy(() -> central.apply(2, model(0, 0)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("spec.flowerApp.evaluateFn (message_app.central:hang_in_round_two) did not "
              + "return in round 2 within 3s (spec.roundTimeoutSeconds)");
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
      assertThatThrownBy(() -> central.apply(3, model(0, 0)))
          .hasMessage("spec.flowerApp.evaluateFn: its Python process is closed");
    }
  }

  @Test
  void aMetricRecordWithoutLossIsRefused() {
    try (CentralEvaluator central = evaluator("message_app.central:no_loss")) {
      assertThatThrownBy(() -> central.apply(1, model(0, 0)))
          .hasMessageStartingWith("spec.flowerApp.evaluateFn (message_app.central:no_loss) failed "
              + "in round 1: ValueError: its MetricRecord has no loss (or eval_loss)");
    }
  }

  @Test
  void anEvaluateFnThatCannotBeImportedFailsTheStartAsValidateRefusesIt() {
    CentralEvaluator central = CentralEvaluator.start(PythonEnvironment.find(),
        new FlowerApp(APP, null, Map.of(), null, "message_app.central:missing"),
        Duration.ofMinutes(2));
    assertThatThrownBy(() -> central.awaitReady(Duration.ofMinutes(2)))
        .isInstanceOfSatisfying(TaskConfigException.class, e -> assertThat(e.problems())
            .containsExactly("spec.flowerApp.evaluateFn: cannot load message_app.central:missing: "
                + "module 'message_app.central' has no attribute 'missing'"));
  }

  @Test
  void closingEndsThePythonProcess() {
    CentralEvaluator central = evaluator("message_app.central:global_evaluate");
    long pid = central.pid();
    assertThat(ProcessHandle.of(pid)).isPresent();
    central.close();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(Optional.of(true));
  }
}

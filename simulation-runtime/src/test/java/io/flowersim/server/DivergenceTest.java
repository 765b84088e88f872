package io.flowersim.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.flowersim.api.v1alpha1.spec.OnDivergence;
import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.engine.ClientRunner;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.LocalThreads;
import io.flowersim.strategy.ClientManager;
import io.flowersim.strategy.StrategyFactory;
import io.flowersim.task.TestingTask;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Issue 17: NaN parameters are a client's failure; a NaN loss ends the run unless told not to. */
class DivergenceTest {

  private static History run(TestingTask task, OnDivergence onDivergence, int rounds) {
    History history = new History("diverging");
    run(task, onDivergence, rounds, history);
    return history;
  }

  private static void run(TestingTask task, OnDivergence onDivergence, int rounds,
      History history) {
    StrategySpec spec = new StrategySpec();
    spec.acceptFailures = true;
    try (ClientScheduler engine = LocalThreads.engine(new ClientRunner(task, TestingTask.settings(4),
        new ClientStateStore()), new EngineResources(2, 0), 2)) {
      new Server(engine, StrategyFactory.create(spec, task, 4), new ClientManager(4, 42),
          Duration.ofSeconds(60), ClientDropout.NONE, onDivergence)
          .fit(rounds, () -> TestingTask.parameters(new float[] {1f}), history,
              ServerListener.NONE);
    }
  }

  /** The centralized loss is NaN from round 2 on. */
  private static TestingTask divergingInRoundTwo() {
    return new TestingTask().centralized((round, p) -> Optional.of(new EvaluateResult(
        round >= 2 ? Double.NaN : 0.5, 10, Map.of("accuracy", round >= 2
            ? Double.POSITIVE_INFINITY : 0.9))));
  }

  @Test
  void nonFiniteParametersFromAClientAreItsFailureAndNotAveragedIn() {
    TestingTask task = new TestingTask().onFit((ctx, p, c) -> new FitResult(
        TestingTask.parameters(new float[] {ctx.clientId() == 2 ? Float.NaN : 3f}), 1, Map.of()));
    History history = run(task, OnDivergence.STOP, 1);

    assertThat(history.rounds()).singleElement().satisfies(r -> {
      assertThat(r.fitClients).isEqualTo(3);
      assertThat(r.fitFailures).isEqualTo(1);
    });
  }

  @Test
  void aNanLossStopsTheRunWithTheRoundRecordedAsValidJson() throws Exception {
    History history = new History("diverging");
    DivergedException e = catchThrowableOfType(
        () -> run(divergingInRoundTwo(), OnDivergence.STOP, 5, history), DivergedException.class);

    assertThat(e).isNotNull();
    assertThat(e.round()).isEqualTo(2);
    assertThat(e.getMessage()).startsWith("diverged at round 2: centralizedLoss is NaN");
    assertThat(history.rounds()).extracting(r -> r.round).containsExactly(1, 2);
    assertThat(history.rounds().get(1).nonFinite).containsEntry("centralizedLoss", "NaN");
    assertThat(HistoryJson.toJson(history)).contains("\"nonFinite\"");
  }

  @Test
  void withContinueTheRunGoesOnAndEachRoundNamesWhatWasNotFinite() throws Exception {
    History history = run(divergingInRoundTwo(), OnDivergence.CONTINUE, 3);

    assertThat(history.rounds()).hasSize(3);
    var second = history.rounds().get(1);
    assertThat(second.centralizedLoss).isNull();
    assertThat(second.centralizedMetrics).doesNotContainKey("accuracy");
    assertThat(second.nonFinite).containsExactlyInAnyOrderEntriesOf(Map.of(
        "centralizedLoss", "NaN", "centralizedMetrics.accuracy", "Infinity"));
    String json = HistoryJson.toJson(history);
    // Typed numbers only: the loss is absent, not a string, and the file is strict JSON.
    var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
    assertThat(tree.path("rounds").get(1).has("centralizedLoss")).isFalse();
    assertThat(tree.path("rounds").get(0).path("centralizedLoss").isNumber()).isTrue();
    assertThat(HistoryJson.fromJson(json).rounds).isEqualTo(history.rounds());
    assertThat(history.rounds().get(0).nonFinite).isEmpty();
  }

  @Test
  void roundZeroKeepsOnlyFiniteValuesToo() {
    TestingTask task = new TestingTask().centralized((round, p) -> Optional.of(
        new EvaluateResult(round == 0 ? Double.NEGATIVE_INFINITY : 1.0, 10, Map.of())));
    History history = run(task, OnDivergence.STOP, 1);

    assertThat(history.initial.centralizedLoss).isNull();
    assertThat(history.initial.nonFinite).containsEntry("centralizedLoss", "-Infinity");
  }
}

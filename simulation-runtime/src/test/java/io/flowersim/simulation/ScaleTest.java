package io.flowersim.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.engine.ClientRunner;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.LocalThreads;
import io.flowersim.server.History;
import io.flowersim.server.Server;
import io.flowersim.server.ServerListener;
import io.flowersim.strategy.ClientManager;
import io.flowersim.strategy.StrategyFactory;
import io.flowersim.task.TestingTask;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A million dormant clients cost nothing, and a long run does not accumulate memory. */
class ScaleTest {

  private static final long MB = 1024 * 1024;

  /** Used heap after full collections (the least of a few tries, so late garbage is gone). */
  static long usedHeapAfterGc() throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
    }
    return used;
  }

  private static History run(TestingTask task, int clients, StrategySpec spec, int rounds,
      ClientStateStore states, ServerListener listener) {
    EngineResources resources = new EngineResources(2, 0);
    try (ClientScheduler engine = LocalThreads.engine(
        new ClientRunner(task, TestingTask.settings(clients), states), resources, 2)) {
      Server server = new Server(engine, StrategyFactory.create(spec, task, clients),
          new ClientManager(clients, 42), Duration.ofSeconds(120));
      History history = new History("scale");
      server.fit(rounds, task::initialParameters, history, listener);
      return history;
    }
  }

  @Test
  void aMillionClientsCostOnlyTheSampledOnes() throws Exception {
    StrategySpec spec = new StrategySpec();
    spec.fractionFit = 0.0001;
    spec.fractionEvaluate = 0.0001;
    spec.minFitClients = 100;
    spec.minEvaluateClients = 100;
    spec.minAvailableClients = 1_000_000;
    TestingTask task = new TestingTask().initial(TestingTask.parameters(new float[1000]));
    ClientStateStore states = new ClientStateStore();

    History history = run(task, 1_000_000, spec, 3, states, ServerListener.NONE);

    // int(1,000,000 * 0.0001) = 100 per round and phase, each a fresh ephemeral client
    assertThat(history.rounds()).hasSize(3).allSatisfy(r -> {
      assertThat(r.fitClients).isEqualTo(100);
      assertThat(r.evaluateClients).isEqualTo(100);
    });
    assertThat(task.fitCalls.get()).isEqualTo(300);
    assertThat(task.evaluateCalls.get()).isEqualTo(300);
    assertThat(task.clientsCreated.get()).isEqualTo(600);
    assertThat(states.clientsWithState()).isZero();
    assertThat(usedHeapAfterGc()).isLessThan(200 * MB);
  }

  @Test
  void memoryStaysFlatOverAHundredRounds() throws Exception {
    // 250,000 floats = 1 MB of parameters: keeping one copy per round would add 90 MB between
    // round 10 and round 100, far beyond the 8 MB allowed here
    Parameters initial = TestingTask.parameters(new float[250_000]);
    TestingTask task = new TestingTask().initial(initial)
        .onFit((ctx, p, c) -> new FitResult(p, 1, Map.of("m", 1.0)))
        .onEvaluate((ctx, p, c) -> new EvaluateResult(0.5, 1, Map.of("accuracy", 0.5)));
    long[] usedAt = new long[101];
    ServerListener measure = new ServerListener() {
      @Override
      public void roundFinished(RoundRecord record, History history) {
        if (record.round == 10 || record.round == 100) {
          try {
            usedAt[record.round] = usedHeapAfterGc();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
        }
      }
    };
    StrategySpec spec = new StrategySpec(); // Flower's defaults: all 100 clients every round

    History history = run(task, 100, spec, 100, new ClientStateStore(), measure);

    assertThat(history.rounds()).hasSize(100);
    assertThat(history.last().orElseThrow().fitClients).isEqualTo(100);
    assertThat(task.fitCalls.get()).isEqualTo(100 * 100);
    assertThat(usedAt[10]).isPositive();
    assertThat(usedAt[100] - usedAt[10]).as("heap growth from round 10 to round 100 in bytes")
        .isLessThan(8 * MB);
  }
}

package io.flowersim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.ClientResult;
import io.flowersim.client.ClientState;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.task.TestingTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalThreadsTest {

  private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(60);
  private static final Parameters PARAMETERS = TestingTask.parameters(new float[] {1f, 2f});

  private final List<ClientScheduler> engines = new ArrayList<>();
  /** Lets a hanging client go once its test is over. */
  private final AtomicBoolean release = new AtomicBoolean();

  @AfterEach
  void tearDown() {
    release.set(true);
    engines.forEach(ClientScheduler::close);
  }

  /** Counts how many clients are inside a section at once. */
  static final class Overlap {
    final AtomicInteger current = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();

    void enter() {
      int now = current.incrementAndGet();
      max.accumulateAndGet(now, Math::max);
    }

    void exit() {
      current.decrementAndGet();
    }
  }

  private ClientScheduler engine(TestingTask task, EngineResources resources, double cpus,
      double gpus, ClientStateStore states) {
    int slots = ClientConcurrency.slots(resources, ClientConcurrencyTest.client(cpus, gpus));
    ClientRunner runner = new ClientRunner(task, TestingTask.settings(100), states);
    ClientScheduler engine = LocalThreads.engine(runner, resources, slots);
    engines.add(engine);
    return engine;
  }

  private ClientScheduler engine(TestingTask task, EngineResources resources, double cpus,
      double gpus) {
    return engine(task, resources, cpus, gpus, new ClientStateStore());
  }

  private static List<ClientInstruction> clients(int from, int to) {
    return IntStream.range(from, to).mapToObj(id -> new ClientInstruction(id, Config.empty()))
        .toList();
  }

  private static FitResult echo(Parameters p) {
    return new FitResult(p, 1, Map.of());
  }

  /** Each client waits until the barrier's parties are all inside at once, then leaves. */
  private static TestingTask.Fit meetAt(CyclicBarrier barrier, Overlap overlap) {
    return meetAt(barrier, overlap, 20);
  }

  private static TestingTask.Fit meetAt(CyclicBarrier barrier, Overlap overlap, int waitSeconds) {
    return (ctx, p, c) -> {
      overlap.enter();
      try {
        barrier.await(waitSeconds, TimeUnit.SECONDS);
        Thread.sleep(20);
      } finally {
        overlap.exit();
      }
      return echo(p);
    };
  }

  @Test
  void twoCpusAndHalfACpuPerClientRunExactlyFourAtOnce() {
    Overlap overlap = new Overlap();
    TestingTask task = new TestingTask().onFit(meetAt(new CyclicBarrier(4), overlap));
    ClientScheduler engine = engine(task, new EngineResources(2, 0), 0.5, 0);

    RoundResults<FitResult> results = engine.fit(1, PARAMETERS, clients(0, 8), ROUND_TIMEOUT,
        ClientListener.NONE);

    // the barrier of 4 only opens when 4 clients run at the same time; more never do
    assertThat(results.failures()).isEmpty();
    assertThat(results.results()).hasSize(8);
    assertThat(overlap.max.get()).isEqualTo(4);
    assertThat(engine.maxConcurrentClients()).isEqualTo(4);
    assertThat(engine.description()).contains("4 client(s) at once");
  }

  @Test
  void oneGpuAndAQuarterGpuPerClientRunExactlyFourAtOnce() {
    Overlap overlap = new Overlap();
    TestingTask task = new TestingTask().onFit(meetAt(new CyclicBarrier(4), overlap));
    // 8 CPUs would allow 8 clients of 1 CPU; the GPU allows 4
    ClientScheduler engine = engine(task, new EngineResources(8, 1), 1, 0.25);

    RoundResults<FitResult> results = engine.fit(1, PARAMETERS, clients(0, 8), ROUND_TIMEOUT,
        ClientListener.NONE);

    assertThat(results.failures()).isEmpty();
    assertThat(results.results()).hasSize(8);
    assertThat(overlap.max.get()).isEqualTo(4);
  }

  @Test
  void aClientThatThrowsIsAFailureAndTheOthersDeliver() {
    TestingTask task = new TestingTask().onFit((ctx, p, c) -> {
      if (ctx.clientId() == 2) {
        throw new IllegalStateException("boom from client 2");
      }
      return new FitResult(p, ctx.clientId() + 1, Map.of());
    });
    ClientScheduler engine = engine(task, new EngineResources(2, 0), 1, 0);
    Map<Integer, Boolean> finished = new ConcurrentHashMap<>();

    RoundResults<FitResult> results = engine.fit(7, PARAMETERS, clients(0, 4), ROUND_TIMEOUT,
        finished::put);

    assertThat(results.results()).extracting(ClientResult::clientId)
        .containsExactlyInAnyOrder(0, 1, 3);
    assertThat(results.results()).allSatisfy(r ->
        assertThat(r.result().numExamples()).isEqualTo(r.clientId() + 1));
    assertThat(results.failures()).hasSize(1);
    ClientFailure failure = results.failures().get(0);
    assertThat(failure.clientId()).isEqualTo(2);
    assertThat(failure.round()).isEqualTo(7);
    assertThat(failure.operation()).isEqualTo(ClientOperation.FIT);
    assertThat(failure.reason()).isEqualTo("IllegalStateException: boom from client 2");
    assertThat(failure.stackTrace()).contains("IllegalStateException: boom from client 2")
        .contains("LocalThreadsTest");
    assertThat(failure.summary()).isEqualTo(
        "client 2, round 7, fit: IllegalStateException: boom from client 2");
    assertThat(finished).containsExactlyInAnyOrderEntriesOf(
        Map.of(0, true, 1, true, 2, false, 3, true));
  }

  @Test
  void anEvaluateThatThrowsIsAnEvaluateFailure() {
    TestingTask task = new TestingTask().onEvaluate((ctx, p, c) -> {
      if (ctx.clientId() == 0) {
        throw new ArithmeticException("no loss for client 0");
      }
      return new EvaluateResult(0.5, 3, Map.of());
    });
    ClientScheduler engine = engine(task, new EngineResources(2, 0), 1, 0);

    RoundResults<EvaluateResult> results = engine.evaluate(4, PARAMETERS, clients(0, 3),
        ROUND_TIMEOUT, ClientListener.NONE);

    assertThat(results.results()).extracting(ClientResult::clientId)
        .containsExactlyInAnyOrder(1, 2);
    assertThat(results.failures()).singleElement().satisfies(f -> {
      assertThat(f.clientId()).isEqualTo(0);
      assertThat(f.round()).isEqualTo(4);
      assertThat(f.operation()).isEqualTo(ClientOperation.EVALUATE);
      assertThat(f.stackTrace()).contains("no loss for client 0");
    });
  }

  @Test
  void aFitThatChangesTheParameterLayoutIsAFailure() {
    TestingTask task = new TestingTask().onFit((ctx, p, c) ->
        new FitResult(TestingTask.parameters(new float[] {1f, 2f, 3f}), 1, Map.of()));
    ClientScheduler engine = engine(task, new EngineResources(1, 0), 1, 0);

    RoundResults<FitResult> results = engine.fit(1, PARAMETERS, clients(0, 1), ROUND_TIMEOUT,
        ClientListener.NONE);

    assertThat(results.results()).isEmpty();
    assertThat(results.failures()).singleElement()
        .satisfies(f -> assertThat(f.reason()).contains("global model"));
  }

  @Test
  void aHangingClientTimesOutAndTheNextRoundRunsAtFullConcurrency() {
    Overlap overlap = new Overlap();
    CyclicBarrier barrier = new CyclicBarrier(4);
    TestingTask task = new TestingTask().onFit((ctx, p, c) -> {
      if (ctx.clientId() == 0) {
        // ignores interruption; gives up after 20 s at most so the JVM is not left busy
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!release.get() && System.nanoTime() < end) {
          try {
            Thread.sleep(50);
          } catch (InterruptedException ignored) {
            // keep hanging
          }
        }
        return echo(p);
      }
      if (ctx.clientId() >= 4) {
        // waits far less than the hang lasts: a slot still held by the hung client shows
        return meetAt(barrier, overlap, 5).fit(ctx, p, c);
      }
      return echo(p);
    });
    ClientScheduler engine = engine(task, new EngineResources(2, 0), 0.5, 0);
    Map<Integer, Boolean> finished = new ConcurrentHashMap<>();

    // an upper bound far from the 20 s hang, not a timing measurement
    RoundResults<FitResult> first = assertTimeoutPreemptively(Duration.ofSeconds(15),
        () -> engine.fit(1, PARAMETERS, clients(0, 4), Duration.ofSeconds(1), finished::put));

    assertThat(first.results()).extracting(ClientResult::clientId)
        .containsExactlyInAnyOrder(1, 2, 3);
    assertThat(first.failures()).singleElement().satisfies(f -> {
      assertThat(f.clientId()).isEqualTo(0);
      assertThat(f.round()).isEqualTo(1);
      assertThat(f.operation()).isEqualTo(ClientOperation.FIT);
      assertThat(f.reason()).contains("timeout").contains("1s");
    });
    assertThat(finished).containsEntry(0, false);

    // the hung thread still holds a slot of the old pool; the next round must still get 4
    RoundResults<FitResult> second = engine.fit(2, PARAMETERS, clients(4, 8), ROUND_TIMEOUT,
        ClientListener.NONE);

    assertThat(second.failures()).isEmpty();
    assertThat(second.results()).hasSize(4);
    assertThat(overlap.max.get()).isEqualTo(4);
  }

  @Test
  void aTaskThatCannotRunClientsConcurrentlyRunsThemOneAtATime() throws Exception {
    Overlap overlap = new Overlap();
    TestingTask task = new TestingTask().concurrent(false).onFit((ctx, p, c) -> {
      overlap.enter();
      try {
        Thread.sleep(30);
      } finally {
        overlap.exit();
      }
      return echo(p);
    });
    ClientScheduler engine = engine(task, new EngineResources(2, 0), 0.5, 0);

    RoundResults<FitResult> results = engine.fit(1, PARAMETERS, clients(0, 6), ROUND_TIMEOUT,
        ClientListener.NONE);

    assertThat(results.results()).hasSize(6);
    assertThat(overlap.max.get()).isEqualTo(1);
    assertThat(engine.maxConcurrentClients()).isEqualTo(1);
    assertThat(engine.description()).contains("1 client(s) at once").contains("one at a time")
        .contains("testing").contains("would allow 4");
  }

  @Test
  void aConcurrentTaskSaysNothingAboutOneAtATime() {
    ClientScheduler engine = engine(new TestingTask(), new EngineResources(2, 0), 0.5, 0);

    assertThat(engine.description()).doesNotContain("one at a time");
  }

  @Test
  void clientStatePersistsAcrossEphemeralInstances() {
    TestingTask task = new TestingTask().onFit((ctx, p, c) -> {
      ClientState state = ctx.state();
      if (c.getBoolean("forget", false)) {
        state.put("fits", null);
        return new FitResult(p, 1, Map.of());
      }
      int fits = state.getOrDefault("fits", 0) + 1;
      state.put("fits", fits);
      return new FitResult(p, 1, Map.of("fits", (double) fits));
    });
    ClientStateStore states = new ClientStateStore();
    ClientScheduler engine = engine(task, new EngineResources(2, 0), 1, 0, states);

    engine.fit(1, PARAMETERS, clients(0, 3), ROUND_TIMEOUT, ClientListener.NONE);
    engine.fit(2, PARAMETERS, clients(0, 2), ROUND_TIMEOUT, ClientListener.NONE);
    RoundResults<FitResult> third = engine.fit(3, PARAMETERS, clients(0, 2), ROUND_TIMEOUT,
        ClientListener.NONE);
    // clients 3 and 4 only evaluate and write nothing
    engine.evaluate(3, PARAMETERS, clients(3, 5), ROUND_TIMEOUT, ClientListener.NONE);

    assertThat(third.failures()).isEmpty();
    assertThat(third.results()).allSatisfy(r ->
        assertThat(r.result().metrics()).containsEntry("fits", 3.0));
    // a new client object for every call: 3 + 2 + 2 fits and 2 evaluations
    assertThat(task.clientsCreated.get()).isEqualTo(9);
    assertThat(states.clientsWithState()).isEqualTo(3);
    assertThat(states.checkout(2).<Integer>get("fits")).isEqualTo(1);
    assertThat(states.checkout(3).isEmpty()).isTrue();

    // a client that empties its state is no longer kept
    engine.fit(4, PARAMETERS, List.of(new ClientInstruction(2, Config.of(Map.of("forget", true)))),
        ROUND_TIMEOUT, ClientListener.NONE);
    assertThat(states.clientsWithState()).isEqualTo(2);
  }
}

package io.flowersim.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientOperation;
import io.flowersim.client.ClientResult;
import io.flowersim.client.ConfigKeys;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.client.UpdateSum;
import io.flowersim.engine.ClientEngine;
import io.flowersim.engine.ClientListener;
import io.flowersim.engine.ClientRunner;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.LocalThreads;
import io.flowersim.strategy.ClientManager;
import io.flowersim.strategy.EvaluateAggregate;
import io.flowersim.strategy.FitAggregate;
import io.flowersim.strategy.Strategy;
import io.flowersim.strategy.StrategyFactory;
import io.flowersim.task.TestingTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ServerTest {

  private final List<ClientScheduler> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(ClientScheduler::close);
  }

  private Server server(TestingTask task, StrategySpec spec, int clients) {
    return server(task, spec, clients, ClientDropout.NONE);
  }

  private Server server(TestingTask task, StrategySpec spec, int clients, ClientDropout dropout) {
    return server(localEngine(task, clients), task, spec, clients, dropout);
  }

  private static Server server(ClientEngine engine, TestingTask task, StrategySpec spec,
      int clients, ClientDropout dropout) {
    return new Server(engine, StrategyFactory.create(spec, task, clients),
        new ClientManager(clients, 42), Duration.ofSeconds(60), dropout);
  }

  private ClientScheduler localEngine(TestingTask task, int clients) {
    ClientScheduler engine = LocalThreads.engine(
        new ClientRunner(task, TestingTask.settings(clients), new ClientStateStore()),
        new EngineResources(2, 0), 2);
    engines.add(engine);
    return engine;
  }

  private static int round(io.flowersim.client.Config config) {
    return config.getInt(ConfigKeys.SERVER_ROUND, -1);
  }

  /** Client 3 fails its fit in round 3. */
  private static TestingTask failingInRoundThree() {
    return new TestingTask().onFit((ctx, p, c) -> {
      if (ctx.clientId() == 3 && round(c) == 3) {
        throw new IllegalStateException("client 3 broke");
      }
      return new FitResult(p, 1, Map.of());
    });
  }

  /** Remembers what the server reported. */
  static final class Recorder implements ServerListener {
    final Map<String, List<Integer>> finished = new ConcurrentHashMap<>();
    final List<String> phases = new CopyOnWriteArrayList<>();
    final List<ClientFailure> failures = new CopyOnWriteArrayList<>();
    final List<Integer> roundsFinished = new CopyOnWriteArrayList<>();

    @Override
    public void phaseStarted(int round, ClientOperation operation, int sampled) {
      phases.add(round + " " + operation.label() + " " + sampled);
    }

    @Override
    public void clientFinished(int round, ClientOperation operation, int clientId,
        boolean succeeded) {
      finished.computeIfAbsent(round + " " + operation.label(), k -> new CopyOnWriteArrayList<>())
          .add(clientId);
    }

    @Override
    public void clientFailed(ClientFailure failure) {
      failures.add(failure);
    }

    @Override
    public void roundFinished(RoundRecord record, History history) {
      assertThat(history.last()).contains(record);
      roundsFinished.add(record.round);
    }
  }

  @Test
  void aFailureWithoutAcceptFailuresStopsTheRunAndKeepsTheEarlierRounds() {
    StrategySpec spec = new StrategySpec();
    spec.acceptFailures = false;
    History history = new History("test");
    Recorder recorder = new Recorder();

    RoundFailedException e = catchThrowableOfType(
        () -> server(failingInRoundThree(), spec, 4).fit(5, () -> TestingTask.parameters(
            new float[] {0f}), history, recorder),
        RoundFailedException.class);

    assertThat(e).isNotNull();
    assertThat(e.round()).isEqualTo(3);
    assertThat(e.getMessage()).contains("round 3").contains("client 3").contains("fit")
        .contains("acceptFailures").contains("client 3 broke").contains("1 of 4");
    assertThat(e.failures()).singleElement().satisfies(f -> {
      assertThat(f.clientId()).isEqualTo(3);
      assertThat(f.round()).isEqualTo(3);
    });
    assertThat(history.rounds()).extracting(r -> r.round).containsExactly(1, 2);
    assertThat(recorder.failures).hasSize(1);
  }

  @Test
  void aFailedEvaluationWithoutAcceptFailuresStopsTheRunToo() {
    StrategySpec spec = new StrategySpec();
    spec.acceptFailures = false;
    TestingTask task = new TestingTask().onEvaluate((ctx, p, c) -> {
      if (ctx.clientId() == 1 && round(c) == 2) {
        throw new IllegalStateException("evaluate broke");
      }
      return new EvaluateResult(1.0, 1, Map.of());
    });
    History history = new History("test");

    RoundFailedException e = catchThrowableOfType(
        () -> server(task, spec, 3).fit(3, () -> TestingTask.parameters(new float[] {0f}),
            history, ServerListener.NONE),
        RoundFailedException.class);

    assertThat(e.round()).isEqualTo(2);
    assertThat(e.getMessage()).contains("round 2").contains("client 1").contains("evaluate")
        .contains("acceptFailures");
    assertThat(history.rounds()).hasSize(1);
  }

  @Test
  void withAcceptFailuresTheRunCompletesAndCountsTheFailures() {
    StrategySpec spec = new StrategySpec();
    spec.acceptFailures = true;
    History history = new History("test");
    Recorder recorder = new Recorder();

    server(failingInRoundThree(), spec, 4).fit(5,
        () -> TestingTask.parameters(new float[] {0f}), history, recorder);

    assertThat(history.rounds()).hasSize(5);
    assertThat(history.rounds()).allSatisfy(r -> {
      assertThat(r.fitClients + r.fitFailures).isEqualTo(4);
      assertThat(r.fitFailures).isEqualTo(r.round == 3 ? 1 : 0);
      assertThat(r.evaluateClients).isEqualTo(4);
      assertThat(r.evaluateFailures).isZero();
    });
    assertThat(recorder.failures).singleElement().satisfies(f -> {
      assertThat(f.clientId()).isEqualTo(3);
      assertThat(f.round()).isEqualTo(3);
      assertThat(f.operation()).isEqualTo(ClientOperation.FIT);
    });
    assertThat(recorder.roundsFinished).containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void recordsCountTheSampledClientsAndCarryAllLossesAndMetrics() {
    // 10 clients: fit samples int(10 * 0.5) = 5, evaluate int(10 * 0.3) = 3 per round
    StrategySpec spec = new StrategySpec();
    spec.fractionFit = 0.5;
    spec.fractionEvaluate = 0.3;
    spec.minFitClients = 2;
    spec.minEvaluateClients = 2;
    spec.minAvailableClients = 10;
    TestingTask task = new TestingTask()
        // every client adds 1 to every value: the aggregate is the global model + 1
        .onFit((ctx, p, c) -> {
          float[] v = p.values().clone();
          for (int i = 0; i < v.length; i++) {
            v[i] += 1;
          }
          return new FitResult(Parameters.withLayoutOf(p, v), 1,
              Map.of("id", (double) ctx.clientId(), "round", (double) round(c)));
        })
        // client k: loss k on k + 1 examples, acc k / 10
        .onEvaluate((ctx, p, c) -> new EvaluateResult(ctx.clientId(), ctx.clientId() + 1,
            Map.of("acc", ctx.clientId() / 10.0)))
        // the central test set sees the global model: loss 100 - w, accuracy w / 10
        .centralized((round, p) -> Optional.of(new EvaluateResult(100 - p.values()[0], 50,
            Map.of("accuracy", p.values()[0] / 10.0))));
    History history = new History("test");
    Recorder recorder = new Recorder();

    Parameters last = server(task, spec, 10).fit(3,
        () -> TestingTask.parameters(new float[] {0f, 5f}), history, recorder);

    assertThat(last.values()).containsExactly(3f, 8f);
    assertThat(history.initial).isNotNull();
    assertThat(history.initial.centralizedLoss).isEqualTo(100.0);
    assertThat(history.initial.centralizedMetrics).containsExactly(Map.entry("accuracy", 0.0));
    assertThat(history.rounds()).hasSize(3);
    for (RoundRecord r : history.rounds()) {
      List<Integer> fitIds = recorder.finished.get(r.round + " fit");
      List<Integer> evaluateIds = recorder.finished.get(r.round + " evaluate");
      assertThat(fitIds).hasSize(5).doesNotHaveDuplicates();
      assertThat(evaluateIds).hasSize(3).doesNotHaveDuplicates();
      assertThat(r.fitClients).isEqualTo(5);
      assertThat(r.fitFailures).isZero();
      assertThat(r.evaluateClients).isEqualTo(3);
      assertThat(r.evaluateFailures).isZero();

      double meanId = fitIds.stream().mapToInt(Integer::intValue).average().orElseThrow();
      double examples = evaluateIds.stream().mapToInt(id -> id + 1).sum();
      double loss = evaluateIds.stream().mapToDouble(id -> (id + 1) * (double) id).sum() / examples;
      double acc = evaluateIds.stream().mapToDouble(id -> (id + 1) * id / 10.0).sum() / examples;
      assertThat(r.distributedMetrics).containsOnlyKeys("fit_id", "fit_round", "acc");
      assertThat(r.distributedMetrics.get("fit_id")).isCloseTo(meanId, within(1e-9));
      assertThat(r.distributedMetrics.get("fit_round")).isEqualTo((double) r.round);
      assertThat(r.distributedMetrics.get("acc")).isCloseTo(acc, within(1e-9));
      assertThat(r.distributedLoss).isCloseTo(loss, within(1e-9));

      assertThat(r.centralizedLoss).isEqualTo(100.0 - r.round);
      assertThat(r.centralizedMetrics.get("accuracy")).isCloseTo(r.round / 10.0, within(1e-9));
      assertThat(r.durationSeconds).isGreaterThanOrEqualTo(0);
    }
    assertThat(recorder.phases).containsExactly("1 fit 5", "1 evaluate 3", "2 fit 5",
        "2 evaluate 3", "3 fit 5", "3 evaluate 3");
    assertThat(history.lossesCentralized()).extracting(p -> p[1])
        .containsExactly(100.0, 99.0, 98.0, 97.0);
  }

  @Test
  void theStrategyGetsResultsInClientOrderWhateverOrderTheyFinishIn() {
    // higher ids finish first; aggregation must still see the same order in every run
    TestingTask task = new TestingTask().onFit((ctx, p, c) -> {
      Thread.sleep(5L * (8 - ctx.clientId()));
      return new FitResult(p, 1, Map.of());
    }).onEvaluate((ctx, p, c) -> {
      Thread.sleep(5L * (8 - ctx.clientId()));
      if (ctx.clientId() % 2 == 0) {
        throw new IllegalStateException("even");
      }
      return new EvaluateResult(1.0, 1, Map.of());
    });
    List<List<Integer>> fitOrders = new CopyOnWriteArrayList<>();
    List<List<Integer>> evaluateOrders = new CopyOnWriteArrayList<>();
    List<List<Integer>> failureOrders = new CopyOnWriteArrayList<>();
    Strategy fedAvg = StrategyFactory.create(new StrategySpec(), task, 8);
    Strategy recording = new Strategy() {
      @Override
      public Optional<Parameters> initializeParameters() {
        return fedAvg.initializeParameters();
      }

      @Override
      public List<ClientInstruction> configureFit(int round, Parameters parameters,
          ClientManager clients) {
        return fedAvg.configureFit(round, parameters, clients);
      }

      @Override
      public FitAggregate aggregateFit(int round, RoundResults<FitResult> results) {
        fitOrders.add(results.results().stream().map(ClientResult::clientId).toList());
        return fedAvg.aggregateFit(round, results);
      }

      @Override
      public List<ClientInstruction> configureEvaluate(int round, Parameters parameters,
          ClientManager clients) {
        return fedAvg.configureEvaluate(round, parameters, clients);
      }

      @Override
      public EvaluateAggregate aggregateEvaluate(int round, RoundResults<EvaluateResult> results) {
        evaluateOrders.add(results.results().stream().map(ClientResult::clientId).toList());
        failureOrders.add(results.failures().stream().map(ClientFailure::clientId).toList());
        return fedAvg.aggregateEvaluate(round, results);
      }

      @Override
      public Optional<EvaluateResult> evaluate(int round, Parameters parameters) {
        return fedAvg.evaluate(round, parameters);
      }

      @Override
      public boolean acceptFailures() {
        return true;
      }

      @Override
      public boolean aggregatesMeanOfUpdates() {
        return false;
      }
    };
    ClientScheduler engine = LocalThreads.engine(
        new ClientRunner(task, TestingTask.settings(8), new ClientStateStore()),
        new EngineResources(4, 0), 4);
    engines.add(engine);

    new Server(engine, recording, new ClientManager(8, 1), Duration.ofSeconds(60)).fit(2,
        () -> TestingTask.parameters(new float[] {0f}), new History("test"), ServerListener.NONE);

    assertThat(fitOrders).containsExactly(List.of(0, 1, 2, 3, 4, 5, 6, 7),
        List.of(0, 1, 2, 3, 4, 5, 6, 7));
    assertThat(evaluateOrders).containsExactly(List.of(1, 3, 5, 7), List.of(1, 3, 5, 7));
    assertThat(failureOrders).containsExactly(List.of(0, 2, 4, 6), List.of(0, 2, 4, 6));
  }

  @Test
  void withoutCentralizedEvaluationTheRecordsHaveNoCentralizedLoss() {
    History history = new History("test");

    server(new TestingTask(), new StrategySpec(), 3).fit(2,
        () -> TestingTask.parameters(new float[] {0f}), history, ServerListener.NONE);

    assertThat(history.initial).isNull();
    assertThat(history.rounds()).allSatisfy(r -> {
      assertThat(r.centralizedLoss).isNull();
      assertThat(r.centralizedMetrics).isEmpty();
      assertThat(r.distributedLoss).isEqualTo(1.0);
    });
  }

  @Test
  void aRoundWhoseEvaluationSamplesNobodyHasNoDistributedLoss() {
    StrategySpec spec = new StrategySpec();
    spec.minEvaluateClients = 11; // more than the 10 clients: Flower samples none
    History history = new History("test");

    server(new TestingTask(), spec, 10).fit(1, () -> TestingTask.parameters(new float[] {0f}),
        history, ServerListener.NONE);

    RoundRecord r = history.rounds().get(0);
    assertThat(r.fitClients).isEqualTo(10);
    assertThat(r.evaluateClients).isZero();
    assertThat(r.distributedLoss).isNull();
  }

  @Test
  void aStrategyThatSamplesNoClientFailsTheRoundClearly() {
    StrategySpec spec = new StrategySpec();
    spec.minAvailableClients = 20;
    History history = new History("test");
    TestingTask task = new TestingTask();

    RoundFailedException e = catchThrowableOfType(
        () -> server(task, spec, 10).fit(3, () -> TestingTask.parameters(new float[] {0f}),
            history, ServerListener.NONE),
        RoundFailedException.class);

    assertThat(e.round()).isEqualTo(1);
    assertThat(e.getMessage()).contains("round 1").contains("sampled no client")
        .contains("10 available").contains("minAvailableClients");
    assertThat(e.failures()).isEmpty();
    assertThat(history.rounds()).isEmpty();
    assertThat(task.clientsCreated.get()).isZero();
  }

  /** Which clients ran fit and evaluate in which round ("3 fit 17"). */
  private static TestingTask recording(List<String> ran) {
    return new TestingTask()
        .onFit((ctx, p, c) -> {
          ran.add(round(c) + " fit " + ctx.clientId());
          return new FitResult(p, 1, Map.of());
        })
        .onEvaluate((ctx, p, c) -> {
          ran.add(round(c) + " evaluate " + ctx.clientId());
          return new EvaluateResult(1.0, 1, Map.of());
        });
  }

  @Test
  void droppedOutClientsAreNotRunAndCountAsFailures() {
    // all 20 clients sampled for fit and evaluate each round; 30% drop out of each
    ClientDropout dropout = new ClientDropout(0.3, 42);
    List<String> ran = new CopyOnWriteArrayList<>();
    History history = new History("test");
    Recorder recorder = new Recorder();

    server(recording(ran), new StrategySpec(), 20, dropout).fit(3,
        () -> TestingTask.parameters(new float[] {0f}), history, recorder);

    List<String> expectedToRun = new ArrayList<>();
    int droppedTotal = 0;
    for (RoundRecord r : history.rounds()) {
      int fitDropped = 0;
      int evaluateDropped = 0;
      for (int id = 0; id < 20; id++) {
        if (dropout.dropsOut(r.round, ClientOperation.FIT, id)) {
          fitDropped++;
        } else {
          expectedToRun.add(r.round + " fit " + id);
        }
        if (dropout.dropsOut(r.round, ClientOperation.EVALUATE, id)) {
          evaluateDropped++;
        } else {
          expectedToRun.add(r.round + " evaluate " + id);
        }
      }
      assertThat(r.fitFailures).isEqualTo(fitDropped);
      assertThat(r.fitClients).isEqualTo(20 - fitDropped);
      assertThat(r.evaluateFailures).isEqualTo(evaluateDropped);
      assertThat(r.evaluateClients).isEqualTo(20 - evaluateDropped);
      // the progress display still sees all 20 sampled clients finish
      assertThat(recorder.finished.get(r.round + " fit")).hasSize(20).doesNotHaveDuplicates();
      assertThat(recorder.finished.get(r.round + " evaluate")).hasSize(20);
      droppedTotal += fitDropped + evaluateDropped;
    }
    assertThat(ran).containsExactlyInAnyOrderElementsOf(expectedToRun);
    // 120 draws at 30%: 36 expected; none or all would mean the rate is ignored
    assertThat(droppedTotal).isBetween(18, 54);
    assertThat(recorder.failures).hasSize(droppedTotal)
        .allSatisfy(f -> assertThat(f.reason()).isEqualTo(ClientDropout.REASON));
  }

  @Test
  void theSameSeedDropsTheSameClientsInEveryRun() {
    List<String> first = new CopyOnWriteArrayList<>();
    List<String> second = new CopyOnWriteArrayList<>();
    List<String> otherSeed = new CopyOnWriteArrayList<>();

    server(recording(first), new StrategySpec(), 20, new ClientDropout(0.4, 5)).fit(2,
        () -> TestingTask.parameters(new float[] {0f}), new History("a"), ServerListener.NONE);
    server(recording(second), new StrategySpec(), 20, new ClientDropout(0.4, 5)).fit(2,
        () -> TestingTask.parameters(new float[] {0f}), new History("b"), ServerListener.NONE);
    server(recording(otherSeed), new StrategySpec(), 20, new ClientDropout(0.4, 6)).fit(2,
        () -> TestingTask.parameters(new float[] {0f}), new History("c"), ServerListener.NONE);

    assertThat(second).containsExactlyInAnyOrderElementsOf(first);
    assertThat(new java.util.HashSet<>(otherSeed)).isNotEqualTo(new java.util.HashSet<>(first));
  }

  @Test
  void aDropOutWithoutAcceptFailuresStopsTheRunNamingTheReason() {
    StrategySpec spec = new StrategySpec();
    spec.acceptFailures = false;

    RoundFailedException e = catchThrowableOfType(
        () -> server(new TestingTask(), spec, 20, new ClientDropout(0.5, 1)).fit(3,
            () -> TestingTask.parameters(new float[] {0f}), new History("t"), ServerListener.NONE),
        RoundFailedException.class);

    assertThat(e).isNotNull();
    assertThat(e.round()).isEqualTo(1);
    assertThat(e.getMessage()).contains("dropped out (clients.dropoutRate)")
        .contains("acceptFailures");
  }

  @Test
  void whenEveryClientDropsOutTheRoundKeepsTheParametersAndRunsNobody() {
    // rate 0.999 with 2 clients: with this seed both drop out of every phase of both rounds
    ClientDropout dropout = new ClientDropout(0.999, 3);
    for (int round = 1; round <= 2; round++) {
      for (int id = 0; id < 2; id++) {
        assertThat(dropout.dropsOut(round, ClientOperation.FIT, id)).isTrue();
        assertThat(dropout.dropsOut(round, ClientOperation.EVALUATE, id)).isTrue();
      }
    }
    TestingTask task = new TestingTask();
    History history = new History("t");

    Parameters last = server(task, new StrategySpec(), 2, dropout).fit(2,
        () -> TestingTask.parameters(new float[] {4f}), history, ServerListener.NONE);

    assertThat(last.values()).containsExactly(4f);
    assertThat(task.fitCalls.get() + task.evaluateCalls.get()).isZero();
    assertThat(history.rounds()).allSatisfy(r -> {
      assertThat(r.fitFailures).isEqualTo(2);
      assertThat(r.fitClients).isZero();
      assertThat(r.distributedLoss).isNull();
    });
  }

  @Test
  void anAggregationTheStrategyRefusesFailsTheRoundClearly() {
    // Bulyan with f = 1 needs 4 * 1 + 3 = 7 updates; 4 clients report
    StrategySpec spec = new StrategySpec();
    spec.name = io.flowersim.api.v1alpha1.spec.StrategyName.BULYAN;
    spec.numMaliciousClients = 1;
    History history = new History("t");

    RoundFailedException e = catchThrowableOfType(
        () -> server(new TestingTask(), spec, 4).fit(2,
            () -> TestingTask.parameters(new float[] {0f}), history, ServerListener.NONE),
        RoundFailedException.class);

    assertThat(e).isNotNull();
    assertThat(e.round()).isEqualTo(1);
    assertThat(e.getMessage()).isEqualTo("round 1: Bulyan could not aggregate the fit results of "
        + "4 clients: Bulyan needs at least 4 * numMaliciousClients + 3 = 7 updates, got 4");
    assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class);
    assertThat(history.rounds()).isEmpty();
  }

  /**
   * Runs the clients on a ClientScheduler and, when the server says a sum suffices, delivers their
   * updates as one sum with the results' parameters left out, as the Ray engine does. Remembers
   * what each fit was told and the mean it delivered.
   */
  private static final class SummingEngine implements ClientEngine {
    final ClientScheduler local;
    final List<Boolean> sumSuffices = new CopyOnWriteArrayList<>();
    final List<Parameters> means = new CopyOnWriteArrayList<>();

    SummingEngine(ClientScheduler local) {
      this.local = local;
    }

    @Override
    public RoundResults<FitResult> fit(int round, Parameters parameters,
        List<ClientInstruction> instructions, Duration timeout, ClientListener listener,
        boolean sumSuffices) {
      this.sumSuffices.add(sumSuffices);
      RoundResults<FitResult> ran = local.fit(round, parameters, instructions, timeout, listener);
      if (!sumSuffices) {
        return ran;
      }
      UpdateSum sum = new UpdateSum(parameters);
      List<ClientResult<FitResult>> withoutParameters = new ArrayList<>();
      for (ClientResult<FitResult> r : ran.results()) {
        sum.add(r.result().parameters(), r.result().numExamples());
        withoutParameters.add(new ClientResult<>(r.clientId(),
            new FitResult(null, r.result().numExamples(), r.result().metrics()), r.node()));
      }
      means.add(sum.mean());
      return new RoundResults<>(withoutParameters, ran.failures(), Optional.of(sum));
    }

    @Override
    public RoundResults<FitResult> fit(int round, Parameters parameters,
        List<ClientInstruction> instructions, Duration timeout, ClientListener listener) {
      throw new AssertionError("the server must say whether a sum suffices");
    }

    @Override
    public RoundResults<EvaluateResult> evaluate(int round, Parameters parameters,
        List<ClientInstruction> instructions, Duration timeout, ClientListener listener) {
      return local.evaluate(round, parameters, instructions, timeout, listener);
    }

    @Override
    public String description() {
      return "summing " + local.description();
    }

    @Override
    public int maxConcurrentClients() {
      return local.maxConcurrentClients();
    }

    @Override
    public io.flowersim.engine.ClientStateStore clientStates() {
      return new io.flowersim.engine.ClientStateStore();
    }

    @Override
    public void close() {
      local.close();
    }
  }

  /** Client k's fit adds k to every value and trains on k + 1 examples. */
  private static TestingTask addingItsId() {
    return new TestingTask().onFit((ctx, p, c) -> {
      float[] v = p.values().clone();
      for (int i = 0; i < v.length; i++) {
        v[i] += ctx.clientId();
      }
      return new FitResult(Parameters.withLayoutOf(p, v), ctx.clientId() + 1L, Map.of());
    });
  }

  /** p + sum((k + 1) * k) / sum(k + 1) over the clients that report: FedAvg of addingItsId. */
  private static float[] fedAvgOfAddingItsId(float[] p, List<Integer> reporting) {
    double weighted = 0;
    long examples = 0;
    for (int k : reporting) {
      weighted += (k + 1.0) * k;
      examples += k + 1;
    }
    float[] expected = p.clone();
    for (int i = 0; i < expected.length; i++) {
      expected[i] += (float) (weighted / examples);
    }
    return expected;
  }

  @Test
  void forFedAvgTheEngineMaySumTheUpdatesAndTheSumsMeanIsTheNewModel() {
    TestingTask task = addingItsId();
    SummingEngine engine = new SummingEngine(localEngine(task, 6));
    History history = new History("t");

    Parameters last = server(engine, task, new StrategySpec(), 6, ClientDropout.NONE).fit(2,
        () -> TestingTask.parameters(new float[] {0f, 1f}), history, ServerListener.NONE);

    assertThat(engine.sumSuffices).containsExactly(true, true);
    assertThat(last).isEqualTo(engine.means.get(1));
    // each round adds (0*1 + 1*2 + 2*3 + 3*4 + 4*5 + 5*6) / 21 = 70/21
    float[] afterOne = fedAvgOfAddingItsId(new float[] {0f, 1f}, List.of(0, 1, 2, 3, 4, 5));
    assertThat(engine.means.get(0).values()).containsExactly(afterOne, within(1e-6f));
    assertThat(last.values()).containsExactly(
        fedAvgOfAddingItsId(afterOne, List.of(0, 1, 2, 3, 4, 5)), within(1e-5f));
    assertThat(history.rounds()).allSatisfy(r -> assertThat(r.fitClients).isEqualTo(6));
  }

  @Test
  void theSumSurvivesTheDropOutsOfTheRound() {
    ClientDropout dropout = new ClientDropout(0.4, 7);
    List<Integer> reporting = new ArrayList<>();
    for (int id = 0; id < 10; id++) {
      if (!dropout.dropsOut(1, ClientOperation.FIT, id)) {
        reporting.add(id);
      }
    }
    // the seed must drop some clients and keep some, or the merge is not exercised
    assertThat(reporting).hasSizeBetween(1, 9);
    TestingTask task = addingItsId();
    SummingEngine engine = new SummingEngine(localEngine(task, 10));
    History history = new History("t");

    Parameters last = server(engine, task, new StrategySpec(), 10, dropout).fit(1,
        () -> TestingTask.parameters(new float[] {0f, 1f}), history, ServerListener.NONE);

    assertThat(engine.sumSuffices).containsExactly(true);
    assertThat(last).isEqualTo(engine.means.get(0));
    assertThat(last.values()).containsExactly(
        fedAvgOfAddingItsId(new float[] {0f, 1f}, reporting), within(1e-6f));
    assertThat(history.rounds().get(0).fitClients).isEqualTo(reporting.size());
    assertThat(history.rounds().get(0).fitFailures).isEqualTo(10 - reporting.size());
  }

  @Test
  void aStrategyThatLooksAtEachUpdateIsNotOfferedASum() {
    StrategySpec spec = new StrategySpec();
    spec.name = StrategyName.FED_MEDIAN;
    TestingTask task = addingItsId();
    SummingEngine engine = new SummingEngine(localEngine(task, 3));

    // median of p + 0, p + 1, p + 2
    Parameters last = server(engine, task, spec, 3, ClientDropout.NONE).fit(1,
        () -> TestingTask.parameters(new float[] {0f, 1f}), new History("t"),
        ServerListener.NONE);

    assertThat(engine.sumSuffices).containsExactly(false);
    assertThat(engine.means).isEmpty();
    assertThat(last.values()).containsExactly(1f, 2f);
  }
}

package io.flowersim.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.client.UpdateSum;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.remote.PythonCalls;
import io.flowersim.engine.remote.PythonWire;
import io.flowersim.engine.remote.Wire;
import io.flowersim.flowerapp.FlowerApp;
import io.flowersim.flowerapp.PythonEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Flower Apps' ClientApps, unchanged, in the local pool of Python workers (the real flwr, in the
 * venv python/env.sh makes): the Message API and the legacy NumPyClient, Context.state kept per
 * client across rounds, partition ids, arrays back in their dtypes, and a client that raises,
 * hangs or kills its worker failing alone.
 */
class PythonWorkerPoolTest {

  private static final Path APPS = Path.of("src/test/resources/flowerapps");
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final int CLIENTS = 4;

  private final List<ClientScheduler> engines = new ArrayList<>();

  @AfterEach
  void tearDown() {
    engines.forEach(ClientScheduler::close);
  }

  private record Pool(PythonWorkerPool workers, ClientScheduler engine) {}

  private Pool pool(String app, String initialArrays, Map<String, Object> runConfig) {
    PythonWorkerPool pool = PythonWorkerPool.launch(PythonEnvironment.find(),
        new FlowerApp(APPS.resolve(app).toAbsolutePath(), null, runConfig, initialArrays),
        CLIENTS, new EngineResources(2, 0), 2, 1.0);
    pool.awaitReady(Duration.ofMinutes(2));
    ClientScheduler engine = new ClientScheduler(pool);
    engines.add(engine);
    return new Pool(pool, engine);
  }

  private static List<ClientInstruction> everyClient(int round) {
    return IntStream.range(0, CLIENTS).mapToObj(c -> new ClientInstruction(c,
        Config.of(Map.of("server_round", round)))).toList();
  }

  private static <R> List<ClientResult<R>> byClient(RoundResults<R> results) {
    return results.results().stream().sorted(Comparator.comparingInt(ClientResult::clientId))
        .toList();
  }

  @Test
  void messageApiClientsSeeTheirPartitionsAndKeepTheirStateAcrossRounds() {
    Pool pool = pool("message_api", "message_app.client_app:initial_arrays", Map.of());
    Parameters model = pool.engine().initialParameters(0, TIMEOUT).orElseThrow();
    assertThat(model.tensors()).extracting(Parameters.Tensor::name).containsExactly("w", "steps");
    for (int round = 1; round <= 3; round++) {
      RoundResults<FitResult> fit = pool.engine().fit(round, model, everyClient(round), TIMEOUT,
          (id, ok) -> {});
      assertThat(fit.failures()).isEmpty();
      for (ClientResult<FitResult> r : byClient(fit)) {
        Map<String, Double> m = r.result().metrics();
        assertThat(m).containsEntry("partition-id", (double) r.clientId())
            .containsEntry("num-partitions", (double) CLIENTS)
            .containsEntry("calls", (double) round)
            .containsEntry("server-round", (double) round)
            .containsEntry("steps-int64", 1.0)
            .doesNotContainKey("num-examples");
        assertThat(r.result().numExamples()).isEqualTo(10 + r.clientId());
        float[] trained = r.result().parameters().copyOf("w");
        assertThat(trained[0]).isEqualTo(model.copyOf("w")[0] + 1 + r.clientId());
        assertThat(r.result().parameters().copyOf("steps")).containsExactly(round);
      }
      model = byClient(fit).get(0).result().parameters();
    }
    RoundResults<EvaluateResult> evaluate = pool.engine().evaluate(3, model, everyClient(3),
        TIMEOUT, (id, ok) -> {});
    EvaluateResult third = byClient(evaluate).get(2).result();
    assertThat(third.loss()).isCloseTo(6 * model.copyOf("w")[0] + 2, within(1e-4));
    assertThat(third.numExamples()).isEqualTo(5);
    assertThat(third.metrics()).containsOnlyKeys("eval_loss");
  }

  /**
   * A batch the worker sums (as a Ray Python actor does for the FedAvg family) gives the bits that
   * Java's UpdateSum makes of the same clients' updates: same weights, order and rounding.
   */
  @Test
  void aSummedBatchGivesTheBitsOfTheJavaSumOfItsUpdates() throws Exception {
    FlowerApp app = new FlowerApp(APPS.resolve("message_api").toAbsolutePath(), null, Map.of(),
        "message_app.client_app:initial_arrays");
    PythonEnvironment python = PythonEnvironment.find();
    Map<String, String> env = new HashMap<>(python.environment());
    WorkerProcess worker = WorkerProcess.start(python.command("serve"), env,
        app.hello(CLIENTS, null));
    try {
      worker.awaitReady();
      SplittableRandom random = new SplittableRandom(5);
      float[] w = new float[1000];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) random.nextDouble(-3, 3);
      }
      Parameters model = Parameters.builder().add("w", new int[] {50, 20}, w)
          .add("steps", new int[] {1}, new float[] {0}).build();
      byte[] shipped = new PythonCalls().model(model);
      List<Wire.Call> calls = everyClient(1).stream()
          .map(i -> new Wire.Call(1, true, i.clientId(), i.config().asMap(), Map.of())).toList();
      Wire.BatchReply each = PythonWire.reply(worker.call(shipped,
          PythonWire.call(PythonWire.Operation.FIT, 1, calls, false)), "local", new HashMap<>(),
          calls);
      Wire.BatchReply summed = PythonWire.reply(worker.call(shipped,
          PythonWire.call(PythonWire.Operation.FIT, 1, calls, true)), "local", new HashMap<>(),
          calls);
      UpdateSum java = new UpdateSum(model);
      for (Wire.Reply r : each.replies()) {
        assertThat(r.failed()).as(r.errorTrace()).isFalse();
        java.add(r.values(), r.numExamples());
      }
      assertThat(summed.replies()).allSatisfy(r -> assertThat(r.values()).isNull());
      assertThat(summed.meanExamples()).isEqualTo(java.examples()).isEqualTo(10 + 11 + 12 + 13);
      assertThat(summed.meanValues()).containsExactly(java.mean().values());
      // Not a trivial mean: the clients' updates differ (w + 1 + partition, weighted 10 + p).
      assertThat(summed.meanValues()[0]).isNotEqualTo(each.replies().get(0).values()[0]);
    } finally {
      worker.kill();
    }
  }

  @Test
  void legacyNumPyClientsRunAndTheInitialModelComesFromOneClient() {
    Pool pool = pool("legacy", null, Map.of("step", 0.25));
    Parameters model = pool.engine().initialParameters(1, TIMEOUT).orElseThrow();
    assertThat(model.tensors()).extracting(Parameters.Tensor::toString)
        .containsExactly("0[3]", "1[2, 2]");
    assertThat(model.copyOf("0")).containsExactly(2f, 2f, 2f);
    RoundResults<FitResult> fit = null;
    for (int round = 1; round <= 2; round++) {
      fit = pool.engine().fit(round, model, everyClient(round), TIMEOUT, (id, ok) -> {});
    }
    assertThat(fit.failures()).isEmpty();
    for (ClientResult<FitResult> r : byClient(fit)) {
      assertThat(r.result().metrics()).containsEntry("calls", 2.0)
          .containsEntry("partition", (double) r.clientId()).containsEntry("round", 2.0)
          .doesNotContainKey("note");
      assertThat(r.result().parameters().copyOf("1")).containsOnly(0.25f);
    }
    EvaluateResult e = byClient(pool.engine().evaluate(2, model, everyClient(2), TIMEOUT,
        (id, ok) -> {})).get(3).result();
    assertThat(e.loss()).isEqualTo(6.0);
    assertThat(e.metrics()).containsEntry("partition", 3.0);
  }

  @Test
  void aRaisingClientFailsAloneWithItsTraceback() {
    Pool pool = pool("message_api", "message_app.client_app:initial_arrays",
        Map.of("raise-on", 2));
    Parameters model = pool.engine().initialParameters(0, TIMEOUT).orElseThrow();
    RoundResults<FitResult> fit = pool.engine().fit(1, model, everyClient(1), TIMEOUT,
        (id, ok) -> {});
    assertThat(fit.results()).extracting(ClientResult::clientId)
        .containsExactlyInAnyOrder(0, 1, 3);
    ClientFailure failure = fit.failures().get(0);
    assertThat(failure.clientId()).isEqualTo(2);
    assertThat(failure.round()).isEqualTo(1);
    assertThat(failure.reason()).isEqualTo("ValueError: client 2 raises");
    assertThat(failure.stackTrace()).contains("Traceback (most recent call last)")
        .contains("client_app.py").contains("in misbehave");
  }

  @Test
  void aHangingClientIsKilledAtTheRoundTimeoutAndItsWorkerReplaced() {
    Pool pool = pool("message_api", "message_app.client_app:initial_arrays",
        Map.of("hang-on", 1));
    Parameters model = pool.engine().initialParameters(0, TIMEOUT).orElseThrow();
    RoundResults<FitResult> fit = pool.engine().fit(1, model, everyClient(1),
        Duration.ofSeconds(8), (id, ok) -> {});
    assertThat(fit.failures()).extracting(ClientFailure::clientId).containsExactly(1);
    assertThat(fit.failures().get(0).reason()).contains("did not finish within the round timeout of 8s");
    assertThat(fit.results()).extracting(ClientResult::clientId)
        .containsExactlyInAnyOrder(0, 2, 3);
    assertThat(pool.workers().replacedWorkers()).isEqualTo(1);
    RoundResults<FitResult> next = pool.engine().fit(2, model,
        List.of(new ClientInstruction(0, Config.of(Map.of("server_round", 2)))), TIMEOUT,
        (id, ok) -> {});
    assertThat(next.failures()).isEmpty();
  }

  @Test
  void aClientThatKillsItsWorkerFailsAndTheWorkerIsReplaced() {
    Pool pool = pool("message_api", "message_app.client_app:initial_arrays",
        Map.of("exit-on", 3));
    Parameters model = pool.engine().initialParameters(0, TIMEOUT).orElseThrow();
    RoundResults<FitResult> fit = pool.engine().fit(1, model, everyClient(1), TIMEOUT,
        (id, ok) -> {});
    assertThat(fit.failures()).extracting(ClientFailure::clientId).containsExactly(3);
    assertThat(fit.failures().get(0).reason()).contains("died (exit code 3)");
    // Both workers run this round's three clients: the dead one must have been replaced.
    RoundResults<FitResult> again = pool.engine().fit(2, model, everyClient(2).subList(0, 3),
        TIMEOUT, (id, ok) -> {});
    assertThat(again.failures()).isEmpty();
    assertThat(byClient(again)).allSatisfy(r ->
        assertThat(r.result().metrics()).containsEntry("calls", 2.0));
    assertThat(pool.workers().replacedWorkers()).isEqualTo(1);
  }
}

package io.flowersim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.Config;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.strategy.Aggregation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one client scheduler, over {@link TestingWorkers}: what every backend inherits. */
class ClientSchedulerTest {

  private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(60);
  private static final Parameters MODEL = Parameters.builder()
      .add("w", new int[] {3}, new float[] {0.1f, -2f, 7f}).build();

  private final List<ClientScheduler> engines = new ArrayList<>();

  @AfterEach
  void tearDown() {
    engines.forEach(ClientScheduler::close);
  }

  private ClientScheduler engine(Workers<?> workers) {
    ClientScheduler engine = new ClientScheduler(workers);
    engines.add(engine);
    return engine;
  }

  private static List<ClientInstruction> clients(int n) {
    return IntStream.range(0, n).mapToObj(id -> new ClientInstruction(id, Config.empty()))
        .toList();
  }

  private static List<Integer> ids(List<ClientFailure> failures) {
    return failures.stream().map(ClientFailure::clientId).toList();
  }

  @Test
  void aLateBatchFailsWholeTheBatchesNotStartedSaySoAndTheLateWorkerIsReplaced() {
    TestingWorkers workers = new TestingWorkers(1, Batching.sharesPerWorker(3));
    workers.hangOnce.add(0);
    ClientScheduler engine = engine(workers);
    List<Integer> heard = new CopyOnWriteArrayList<>();

    RoundResults<FitResult> late = engine.fit(1, MODEL, clients(3), Duration.ofSeconds(1),
        (id, ok) -> heard.add(ok ? id : -id - 1));

    assertThat(late.results()).isEmpty();
    assertThat(late.failures()).extracting(ClientFailure::clientId).containsExactly(0, 1, 2);
    assertThat(late.failures().get(0).reason())
        .isEqualTo("TimeoutException: did not finish within the round timeout of 1s "
            + "(spec.roundTimeoutSeconds)");
    assertThat(late.failures().subList(1, 3)).allSatisfy(f -> assertThat(f.reason())
        .isEqualTo("TimeoutException: not started within the round timeout of 1s"));
    assertThat(late.failures()).allSatisfy(f -> assertThat(f.round()).isEqualTo(1));
    assertThat(heard).containsExactly(-1, -2, -3);
    assertThat(workers.replaced).containsExactly(0);

    RoundResults<FitResult> next = engine.fit(2, MODEL, clients(3), ROUND_TIMEOUT,
        ClientListener.NONE);
    assertThat(next.failures()).isEmpty();
    assertThat(next.results()).extracting(ClientResult::clientId).containsExactly(0, 1, 2);
    assertThat(workers.replaced).containsExactly(0);
  }

  @Test
  void onlyTheLateWorkerIsReplacedWhileTheOthersTakeTheRemainingBatches() {
    TestingWorkers workers = new TestingWorkers(2, Batching.sharesPerWorker(2));
    workers.hangOnce.add(1);
    ClientScheduler engine = engine(workers);

    // batches [0, 1] [2, 3] [4, 5] [6, 7]: the first hangs at client 1, the other worker takes
    // the other three
    RoundResults<FitResult> r = engine.fit(1, MODEL, clients(8), Duration.ofSeconds(1),
        ClientListener.NONE);

    assertThat(ids(r.failures())).containsExactlyInAnyOrder(0, 1);
    assertThat(r.results()).extracting(ClientResult::clientId)
        .containsExactlyInAnyOrder(2, 3, 4, 5, 6, 7);
    assertThat(workers.replaced).hasSize(1);
  }

  @Test
  void aWorkerThatDiesMidBatchFailsEveryClientOfItsBatchAndIsReplaced() {
    TestingWorkers workers = new TestingWorkers(2, Batching.sharesPerWorker(1));
    workers.dieOnce.add(3);
    ClientScheduler engine = engine(workers);

    // batches [0, 1] [2, 3]: client 2 ran, then its worker died at client 3
    RoundResults<FitResult> r = engine.fit(1, MODEL, clients(4), ROUND_TIMEOUT,
        ClientListener.NONE);

    assertThat(r.results()).extracting(ClientResult::clientId).containsExactlyInAnyOrder(0, 1);
    assertThat(ids(r.failures())).containsExactlyInAnyOrder(2, 3);
    assertThat(r.failures()).allSatisfy(f -> assertThat(f.reason())
        .isEqualTo("WorkerLostException: the worker running client 3 died"));
    assertThat(workers.replaced).hasSize(1);
    List<Integer> replaced = List.copyOf(workers.replaced);

    RoundResults<FitResult> next = engine.fit(2, MODEL, clients(4), ROUND_TIMEOUT,
        ClientListener.NONE);
    assertThat(next.failures()).isEmpty();
    assertThat(next.results()).hasSize(4);
    assertThat(workers.replaced).isEqualTo(replaced);
  }

  @Test
  void theSumOfTheBatchesIsTheExampleWeightedMeanOfEveryUpdate() {
    TestingWorkers workers = new TestingWorkers(3, Batching.sharesPerWorker(1));
    ClientScheduler engine = engine(workers);

    RoundResults<FitResult> summed = engine.fit(1, MODEL, clients(7), ROUND_TIMEOUT,
        ClientListener.NONE, true);
    RoundResults<FitResult> each = engine.fit(2, MODEL, clients(7), ROUND_TIMEOUT,
        ClientListener.NONE, false);

    assertThat(summed.results()).hasSize(7)
        .allSatisfy(r -> assertThat(r.result().parameters()).isNull());
    assertThat(each.updateSum()).isEmpty();
    Parameters perUpdate = Aggregation.weightedAverage(each.results().stream()
        .map(r -> new Aggregation.Weighted(r.result().parameters(), r.result().numExamples()))
        .toList());
    Parameters mean = summed.updateSum().orElseThrow().mean();
    // examples 1..7; every value moves by sum (k^2) / sum (k) = 140 / 28 = 5
    assertThat(summed.updateSum().get().examples()).isEqualTo(28);
    assertThat(mean.values()).containsExactly(perUpdate.values(), within(1e-5f));
    assertThat(mean.values()).containsExactly(new float[] {5.1f, 3f, 12f}, within(1e-5f));
  }

  @Test
  void aTransportThatDoesNotSumIsNeverAskedTo() {
    TestingWorkers workers = new TestingWorkers(2, Batching.EACH_CLIENT_ALONE);
    RoundResults<FitResult> r = engine(workers).fit(1, MODEL, clients(3), ROUND_TIMEOUT,
        ClientListener.NONE, true);

    assertThat(r.updateSum()).isEmpty();
    assertThat(r.results()).allSatisfy(c -> assertThat(c.result().parameters().values())
        .containsExactly(TestingWorkers.update(MODEL, c.clientId())));
  }

  /**
   * The batches come back 2, 0, 1 but are added 0, 1, 2. Their weighted sums are 1e16, 1 and
   * -1e16: added in batch order the 1 is lost to rounding (the mean is 0); in the order they came
   * it would survive.
   */
  @Test
  void batchSumsAreAddedInBatchOrderWhateverOrderTheyComeIn() {
    Parameters one = Parameters.builder().add("w", new int[] {1}, new float[] {0f}).build();
    CountDownLatch heard2 = new CountDownLatch(1);
    CountDownLatch heard0 = new CountDownLatch(1);
    Workers<Parameters> workers = new Workers<>() {
      public String description() {
        return "three batches out of order";
      }

      public int size() {
        return 3;
      }

      public Batching batching() {
        return Batching.sharesPerWorker(1);
      }

      public Parameters ship(Parameters model) {
        return model;
      }

      @SuppressWarnings("unchecked")
      public <R> BatchResult<R> process(int worker, Batch<R> batch, Parameters model) {
        int id = batch.clients().get(0).clientId();
        try {
          (id == 0 ? heard2 : id == 1 ? heard0 : new CountDownLatch(0)).await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        float[][] means = {{1e8f}, {1f}, {-1e8f}};
        long[] examples = {100_000_000L, 1, 100_000_000L};
        R result = (R) new FitResult(null, examples[id], Map.of());
        return new BatchResult<>(List.of(new ClientResult<>(id, result)), List.of(), means[id],
            examples[id]);
      }

      public void replace(int worker) {}

      @Override
      public ClientStateStore clientStates() {
        return new ClientStateStore();
      }

      public void close() {}
    };
    List<Integer> order = new CopyOnWriteArrayList<>();
    RoundResults<FitResult> r = engine(workers).fit(1, one, clients(3), ROUND_TIMEOUT,
        (id, ok) -> {
          order.add(id);
          (id == 2 ? heard2 : heard0).countDown();
        }, true);

    assertThat(r.updateSum()).hasValueSatisfying(sum ->
        assertThat(sum.mean().values()).containsExactly(0f));
    assertThat(order).containsExactly(2, 0, 1);
  }

  @Test
  void aClosedEngineRunsNothingAndClosesItsWorkers() {
    TestingWorkers workers = new TestingWorkers(2, Batching.EACH_CLIENT_ALONE);
    ClientScheduler engine = engine(workers);
    engine.close();

    assertThat(workers.closed).isTrue();
    assertThatThrownBy(() -> engine.fit(1, MODEL, clients(2), ROUND_TIMEOUT, ClientListener.NONE))
        .hasMessageContaining("closed");
  }
}

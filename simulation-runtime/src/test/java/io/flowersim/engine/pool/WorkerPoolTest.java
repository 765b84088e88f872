package io.flowersim.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.Config;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.engine.ClientListener;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.remote.Placement;
import io.flowersim.strategy.Aggregation;
import io.flowersim.task.TaskSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local pool of worker JVMs, with {@link PoolTestingTask} loaded by name in each worker. */
class WorkerPoolTest {

  private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(2);
  private static final Parameters MODEL = new PoolTestingTask().initialParameters();

  @TempDir Path dir;
  private final List<ClientScheduler> engines = new ArrayList<>();

  @AfterEach
  void tearDown() {
    engines.forEach(ClientScheduler::close);
  }

  /** The pool's workers, and the engine that schedules clients on them. */
  private record Pool(WorkerPool workers, ClientScheduler engine) {}

  private Pool pool(int workers, Map<String, String> taskConfig, String initHook) {
    TaskSettings settings = new TaskSettings(Config.of(taskConfig), 8, new PartitioningSpec());
    WorkerPool pool = WorkerPool.start(
        new WorkerLauncher(PoolTestingTask.NAME, settings, initHook, 1.0),
        new EngineResources(workers, 0), workers, SETUP_TIMEOUT);
    ClientScheduler engine = new ClientScheduler(pool);
    engines.add(engine);
    return new Pool(pool, engine);
  }

  private static List<ClientInstruction> clients(int from, int to) {
    return IntStream.range(from, to).mapToObj(id -> new ClientInstruction(id, Config.empty()))
        .toList();
  }

  private static Map<Integer, Double> fitsByClient(RoundResults<FitResult> r) {
    return r.results().stream().collect(Collectors.toMap(ClientResult::clientId,
        c -> c.result().metrics().get("fits")));
  }

  @Test
  void clientsOfATaskThatCannotShareAJvmRunAtOnceInSeparateWorkerJvms() throws Exception {
    Path meet = java.nio.file.Files.createDirectories(dir.resolve("meet"));
    Pool pool = pool(2, Map.of("rendezvousDir", meet.toString()),
        CountingWorkerInitHook.class.getName());
    ClientScheduler engine = pool.engine();

    RoundResults<FitResult> round1 = engine.fit(1, MODEL, clients(0, 4), ROUND_TIMEOUT,
        ClientListener.NONE);
    // 4 clients on 2 workers: the round's model went to each worker once, not once per client
    assertThat(pool.workers().modelsSent()).isEqualTo(2);
    RoundResults<FitResult> round2 = engine.fit(2, MODEL, clients(0, 4), ROUND_TIMEOUT,
        ClientListener.NONE);
    assertThat(pool.workers().modelsSent()).isEqualTo(4);

    assertThat(round1.failures()).isEmpty();
    assertThat(round1.results()).hasSize(4).allSatisfy(r ->
        assertThat(r.result().parameters().values()).containsExactly(1f, 1f));
    List<Placement> fits = pool.workers().placements().stream().filter(p -> p.round() == 1)
        .toList();
    Set<Long> pids = fits.stream().map(Placement::pid).collect(Collectors.toSet());
    assertThat(pids).hasSize(2).doesNotContain(ProcessHandle.current().pid());
    assertThat(Placement.maxOverlap(fits)).as("fits of the two workers overlapped: %s", fits)
        .isEqualTo(2);
    // the init hook ran once in each worker, before any client
    assertThat(pool.workers().placements())
        .allSatisfy(p -> assertThat(p.initHookRuns()).isEqualTo(1));
    // client state lives in the driver and travels with each call, whichever worker runs it
    assertThat(fitsByClient(round1)).containsOnlyKeys(0, 1, 2, 3).allSatisfy((id, n) ->
        assertThat(n).isEqualTo(1.0));
    assertThat(fitsByClient(round2)).allSatisfy((id, n) -> assertThat(n).isEqualTo(2.0));
    assertThat(pool.workers().replacedWorkers()).isZero();
  }

  /** A worker runs its share of the round as one batch: when it dies, the whole share fails. */
  @Test
  void aWorkerThatDiesIsReplacedAndTheClientsOfItsBatchAreFailures() {
    Pool pool = pool(2, Map.of("haltClient", "2", "marker", dir.toString()), "");
    ClientScheduler engine = pool.engine();
    Set<Long> before = pool.workers().workers().stream().map(ProcessHandle::pid)
        .collect(Collectors.toSet());

    RoundResults<FitResult> round1 = engine.fit(1, MODEL, clients(0, 4), ROUND_TIMEOUT,
        ClientListener.NONE);
    RoundResults<FitResult> round2 = engine.fit(2, MODEL, clients(0, 4), ROUND_TIMEOUT,
        ClientListener.NONE);

    // clients 0, 1 went to one worker, 2, 3 to the other, which client 2 halted
    assertThat(round1.results()).extracting(ClientResult::clientId)
        .containsExactlyInAnyOrder(0, 1);
    assertThat(round1.failures()).extracting(ClientFailure::clientId)
        .containsExactlyInAnyOrder(2, 3);
    assertThat(round1.failures()).allSatisfy(f -> {
      assertThat(f.round()).isEqualTo(1);
      assertThat(f.reason()).contains("died").contains("exit code 137");
    });
    assertThat(pool.workers().replacedWorkers()).isEqualTo(1);
    Set<Long> after = pool.workers().workers().stream().map(ProcessHandle::pid)
        .collect(Collectors.toSet());
    assertThat(after).hasSize(2).isNotEqualTo(before);
    assertThat(round2.failures()).isEmpty();
    assertThat(round2.results()).hasSize(4);
  }

  @Test
  void aClientOverrunningTheRoundTimeoutFailsItsBatchAndItsWorkerIsReplaced() throws Exception {
    Pool pool = pool(2, Map.of("hangClient", "1", "marker", dir.toString()), "");
    ClientScheduler engine = pool.engine();
    List<ProcessHandle> before = pool.workers().workers();

    RoundResults<FitResult> round1 = engine.fit(1, MODEL, clients(0, 4), Duration.ofSeconds(3),
        ClientListener.NONE);

    // client 0 finished, but its batch is answered whole, after client 1
    assertThat(round1.failures()).extracting(ClientFailure::clientId)
        .containsExactlyInAnyOrder(0, 1);
    assertThat(round1.failures()).allSatisfy(f ->
        assertThat(f.reason()).contains("round timeout of 3s"));
    assertThat(round1.results()).extracting(ClientResult::clientId)
        .containsExactlyInAnyOrder(2, 3);
    assertThat(pool.workers().replacedWorkers()).isEqualTo(1);
    List<ProcessHandle> replaced = before.stream()
        .filter(w -> !pool.workers().workers().contains(w)).toList();
    assertThat(replaced).singleElement().satisfies(w ->
        assertThat(w.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse());

    RoundResults<FitResult> round2 = engine.fit(2, MODEL, clients(0, 4), ROUND_TIMEOUT,
        ClientListener.NONE);
    assertThat(round2.failures()).isEmpty();
    assertThat(round2.results()).hasSize(4);
  }

  /**
   * For the FedAvg family each worker sums its batch and ships one model back: the round's sum is
   * the example-weighted mean of every client's update, as each update shipped alone gives it.
   */
  @Test
  void forAMeanOfTheUpdatesEachWorkerSendsOneSumThatEqualsEveryUpdateAggregated() {
    Pool pool = pool(2, Map.of("varied", "true"), "");

    RoundResults<FitResult> summed = pool.engine().fit(1, MODEL, clients(0, 4), ROUND_TIMEOUT,
        ClientListener.NONE, true);
    RoundResults<FitResult> each = pool.engine().fit(2, MODEL, clients(0, 4), ROUND_TIMEOUT,
        ClientListener.NONE, false);

    assertThat(summed.failures()).isEmpty();
    assertThat(summed.results()).hasSize(4)
        .allSatisfy(r -> assertThat(r.result().parameters()).isNull());
    // clients 0..3 add 1..4 with 1..4 examples: (1 + 4 + 9 + 16) / 10
    assertThat(summed.updateSum()).hasValueSatisfying(sum -> {
      assertThat(sum.examples()).isEqualTo(10);
      assertThat(sum.mean().values()).containsExactly(3f, 3f);
    });
    assertThat(each.updateSum()).isEmpty();
    Parameters perUpdate = Aggregation.weightedAverage(each.results().stream()
        .map(r -> new Aggregation.Weighted(r.result().parameters(), r.result().numExamples()))
        .toList());
    assertThat(summed.updateSum().orElseThrow().mean().values())
        .containsExactly(perUpdate.values(), within(1e-6f));
  }

  @Test
  void closingThePoolLeavesNoWorkerProcess() {
    Pool pool = pool(2, Map.of(), "");
    ClientScheduler engine = pool.engine();
    engine.fit(1, MODEL, clients(0, 2), ROUND_TIMEOUT, ClientListener.NONE);
    List<ProcessHandle> workers = pool.workers().workers();
    assertThat(workers).hasSize(2).allSatisfy(w -> assertThat(w.isAlive()).isTrue());
    assertThat(ProcessHandle.current().children().map(ProcessHandle::pid).toList())
        .containsAll(workers.stream().map(ProcessHandle::pid).toList());

    engine.close();

    assertThat(workers).noneSatisfy(w -> assertThat(w.isAlive()).isTrue());
    assertThatThrownBy(() -> engine.fit(2, MODEL, clients(0, 2), ROUND_TIMEOUT,
        ClientListener.NONE)).hasMessageContaining("closed");
  }

  @Test
  void aWorkerExitsByItselfWhenItsStdinCloses() throws Exception {
    TaskSettings settings = new TaskSettings(Config.empty(), 2, new PartitioningSpec());
    WorkerProcess worker = new WorkerLauncher(PoolTestingTask.NAME, settings, "", 1.0).launch();
    try {
      worker.awaitReady();
      worker.closeInput();
      assertThat(worker.handle().onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
      assertThat(worker.exitStatus()).isEqualTo("exit code 0");
    } finally {
      worker.kill();
    }
  }

  @Test
  void aTaskThatCannotBeSetUpInTheWorkersFailsTheStartWithItsError() {
    assertThatThrownBy(() -> pool(2, Map.of("failSetup", "true"), ""))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("could not set up task " + PoolTestingTask.NAME)
        .hasMessageContaining("spec.taskConfig.failSetup: refused on purpose");
    assertThat(ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().arguments().map(a -> String.join(" ", a)
            .contains(WorkerMain.class.getName())).orElse(false)).toList()).isEmpty();
  }

  @Test
  void theWorkerCommandKeepsTheJvmOptionsThatMatterAndNotDebugAgents() {
    assertThat(WorkerLauncher.inheritedJvmOptions(List.of("-Xmx2g",
        "-agentlib:jdwp=transport=dt_socket,server=y,address=5005",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/java.util=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=8", "-Dflowersim.plain=true",
        "-Duser.language=en", "-javaagent:/tmp/jacoco.jar")))
        .containsExactly("-Xmx2g", "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens",
            "java.base/java.util=ALL-UNNAMED", "-Dai.djl.offline=true", "-Dflowersim.plain=true");
    assertThat(new WorkerLauncher(PoolTestingTask.NAME,
        new TaskSettings(Config.empty(), 2, new PartitioningSpec()), "", 2.0).command())
        .contains("-Dai.djl.pytorch.num_threads=2", "-XX:ActiveProcessorCount=2",
            WorkerMain.class.getName());
  }
}

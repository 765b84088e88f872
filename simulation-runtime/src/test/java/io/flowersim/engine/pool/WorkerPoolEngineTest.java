package io.flowersim.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.client.ClientFailure;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.Config;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.engine.ClientListener;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.worker.Placement;
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
class WorkerPoolEngineTest {

  private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration SETUP_TIMEOUT = Duration.ofMinutes(2);
  private static final Parameters MODEL = new PoolTestingTask().initialParameters();

  @TempDir Path dir;
  private final List<WorkerPoolEngine> engines = new ArrayList<>();

  @AfterEach
  void tearDown() {
    engines.forEach(WorkerPoolEngine::close);
  }

  private WorkerPoolEngine pool(int workers, Map<String, String> taskConfig, String initHook) {
    TaskSettings settings = new TaskSettings(Config.of(taskConfig), 8, new PartitioningSpec());
    WorkerPoolEngine engine = WorkerPoolEngine.start(
        new WorkerLauncher(PoolTestingTask.NAME, settings, initHook, 1.0),
        new EngineResources(workers, 0), workers, SETUP_TIMEOUT);
    engines.add(engine);
    return engine;
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
    WorkerPoolEngine engine = pool(2, Map.of("rendezvousDir", meet.toString()),
        CountingWorkerInitHook.class.getName());

    RoundResults<FitResult> round1 = engine.fit(1, MODEL, clients(0, 4), ROUND_TIMEOUT,
        ClientListener.NONE);
    // 4 clients on 2 workers: the round's model went to each worker once, not once per client
    assertThat(engine.modelsSent()).isEqualTo(2);
    RoundResults<FitResult> round2 = engine.fit(2, MODEL, clients(0, 4), ROUND_TIMEOUT,
        ClientListener.NONE);
    assertThat(engine.modelsSent()).isEqualTo(4);

    assertThat(round1.failures()).isEmpty();
    assertThat(round1.results()).hasSize(4).allSatisfy(r ->
        assertThat(r.result().parameters().values()).containsExactly(1f, 1f));
    List<Placement> fits = engine.placements().stream().filter(p -> p.round() == 1).toList();
    Set<Long> pids = fits.stream().map(Placement::pid).collect(Collectors.toSet());
    assertThat(pids).hasSize(2).doesNotContain(ProcessHandle.current().pid());
    assertThat(Placement.maxOverlap(fits)).as("fits of the two workers overlapped: %s", fits)
        .isEqualTo(2);
    // the init hook ran once in each worker, before any client
    assertThat(engine.placements()).allSatisfy(p -> assertThat(p.initHookRuns()).isEqualTo(1));
    // client state lives in the driver and travels with each call, whichever worker runs it
    assertThat(fitsByClient(round1)).containsOnlyKeys(0, 1, 2, 3).allSatisfy((id, n) ->
        assertThat(n).isEqualTo(1.0));
    assertThat(fitsByClient(round2)).allSatisfy((id, n) -> assertThat(n).isEqualTo(2.0));
    assertThat(engine.replacedWorkers()).isZero();
  }

  @Test
  void aWorkerThatDiesIsReplacedAndItsClientIsAFailure() {
    WorkerPoolEngine engine = pool(2, Map.of("haltClient", "2", "marker", dir.toString()), "");
    Set<Long> before = engine.workers().stream().map(ProcessHandle::pid)
        .collect(Collectors.toSet());

    RoundResults<FitResult> round1 = engine.fit(1, MODEL, clients(0, 4), ROUND_TIMEOUT,
        ClientListener.NONE);
    RoundResults<FitResult> round2 = engine.fit(2, MODEL, clients(0, 4), ROUND_TIMEOUT,
        ClientListener.NONE);

    assertThat(round1.results()).extracting(ClientResult::clientId)
        .containsExactlyInAnyOrder(0, 1, 3);
    assertThat(round1.failures()).singleElement().satisfies(f -> {
      assertThat(f.clientId()).isEqualTo(2);
      assertThat(f.round()).isEqualTo(1);
      assertThat(f.reason()).contains("died").contains("exit code 137");
    });
    assertThat(engine.replacedWorkers()).isEqualTo(1);
    Set<Long> after = engine.workers().stream().map(ProcessHandle::pid)
        .collect(Collectors.toSet());
    assertThat(after).hasSize(2).isNotEqualTo(before);
    assertThat(round2.failures()).isEmpty();
    assertThat(round2.results()).hasSize(4);
  }

  @Test
  void aClientOverrunningTheRoundTimeoutIsAFailureAndItsWorkerIsReplaced() throws Exception {
    WorkerPoolEngine engine = pool(2, Map.of("hangClient", "1", "marker", dir.toString()), "");
    List<ProcessHandle> before = engine.workers();

    RoundResults<FitResult> round1 = engine.fit(1, MODEL, clients(0, 4), Duration.ofSeconds(3),
        ClientListener.NONE);

    assertThat(round1.failures()).extracting(ClientFailure::clientId).contains(1);
    assertThat(round1.failures()).filteredOn(f -> f.clientId() == 1).singleElement()
        .satisfies(f -> assertThat(f.reason()).contains("round timeout of 3s"));
    assertThat(round1.results()).extracting(ClientResult::clientId).contains(0).doesNotContain(1);
    assertThat(engine.replacedWorkers()).isEqualTo(1);
    List<ProcessHandle> replaced = before.stream().filter(w -> !engine.workers().contains(w))
        .toList();
    assertThat(replaced).singleElement().satisfies(w ->
        assertThat(w.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse());

    RoundResults<FitResult> round2 = engine.fit(2, MODEL, clients(0, 4), ROUND_TIMEOUT,
        ClientListener.NONE);
    assertThat(round2.failures()).isEmpty();
    assertThat(round2.results()).hasSize(4);
  }

  @Test
  void closingThePoolLeavesNoWorkerProcess() {
    WorkerPoolEngine engine = pool(2, Map.of(), "");
    engine.fit(1, MODEL, clients(0, 2), ROUND_TIMEOUT, ClientListener.NONE);
    List<ProcessHandle> workers = engine.workers();
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

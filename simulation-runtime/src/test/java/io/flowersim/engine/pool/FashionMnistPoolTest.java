package io.flowersim.engine.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.client.ClientInstruction;
import io.flowersim.client.ClientResult;
import io.flowersim.client.Config;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.client.RoundResults;
import io.flowersim.engine.ClientListener;
import io.flowersim.engine.ClientRunner;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.engine.EngineResources;
import io.flowersim.engine.ClientScheduler;
import io.flowersim.engine.LocalThreads;
import io.flowersim.engine.remote.Placement;
import io.flowersim.task.TaskRegistry;
import io.flowersim.task.TaskSettings;
import io.flowersim.task.fashionmnist.FashionMnistMlpTask;
import io.flowersim.task.fashionmnist.FashionMnistTask;
import io.flowersim.task.fashionmnist.FashionMnistTaskTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL allows one training step per JVM (a second thread fails with "A PtGradientCollector is
 * already collecting"); the local pool trains Fashion-MNIST clients in two worker JVMs at once,
 * and gets what one-at-a-time training in one JVM gets.
 */
class FashionMnistPoolTest {

  @TempDir static Path dir;

  @Test
  void twoWorkerJvmsTrainAtOnceAndMatchOneAtATimeTraining() throws Exception {
    FashionMnistTaskTest.writeLearnable(dir, "train", 2000, 1);
    FashionMnistTaskTest.writeLearnable(dir, "t10k", 300, 2);
    TaskSettings settings = new TaskSettings(Config.of(Map.of("dataDir", dir.toString(),
        "batchSize", "16", "learningRate", "0.1", "localEpochs", "4")), 4,
        new PartitioningSpec());
    FashionMnistTask here = (FashionMnistTask) TaskRegistry.load()
        .create(FashionMnistMlpTask.NAME);
    here.setup(settings);
    Parameters global = here.initialParameters();
    List<ClientInstruction> clients = IntStream.range(0, 4)
        .mapToObj(id -> new ClientInstruction(id, Config.of(Map.of("server_round", 1))))
        .toList();

    RoundResults<FitResult> pooled;
    List<Placement> placements;
    WorkerPool pool = WorkerPool.start(new WorkerLauncher(FashionMnistMlpTask.NAME, settings,
        "", 1.0), new EngineResources(2, 0), 2, Duration.ofMinutes(5));
    try (ClientScheduler engine = new ClientScheduler(pool)) {
      pooled = engine.fit(1, global, clients, Duration.ofMinutes(5), ClientListener.NONE);
      placements = pool.placements();
    }
    RoundResults<FitResult> serial;
    try (ClientScheduler one = LocalThreads.engine(new ClientRunner(here, settings,
        new ClientStateStore()), new EngineResources(2, 0), 2)) {
      assertThat(one.maxConcurrentClients()).isEqualTo(1);
      serial = one.fit(1, global, clients, Duration.ofMinutes(5), ClientListener.NONE);
    }

    assertThat(pooled.failures()).as("no client failed (e.g. PtGradientCollector)").isEmpty();
    assertThat(pooled.results()).hasSize(4);
    Set<Long> pids = placements.stream().map(Placement::pid).collect(Collectors.toSet());
    assertThat(pids).hasSize(2).doesNotContain(ProcessHandle.current().pid());
    assertThat(Placement.maxOverlap(placements)).as("two fits at once: %s", placements)
        .isEqualTo(2);

    assertThat(serial.failures()).isEmpty();
    Map<Integer, FitResult> reference = serial.results().stream()
        .collect(Collectors.toMap(ClientResult::clientId, ClientResult::result));
    for (ClientResult<FitResult> r : pooled.results()) {
      FitResult expected = reference.get(r.clientId());
      float[] got = r.result().parameters().values();
      float[] want = expected.parameters().values();
      assertThat(r.result().numExamples()).isEqualTo(expected.numExamples());
      assertThat(maxDifference(want, global.values())).as("training moved the model")
          .isGreaterThan(0.01);
      // The same partition, shuffle seed and start: only PyTorch's reductions may round
      // differently with another intra-op thread count.
      assertThat(maxDifference(got, want)).as("client %d", r.clientId()).isLessThan(1e-5);
    }
  }

  private static double maxDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}

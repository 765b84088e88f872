package io.flowersim.task.fashionmnist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowersim.api.v1alpha1.spec.ClassAssignment;
import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.api.v1alpha1.spec.PartitioningType;
import io.flowersim.client.ClientContext;
import io.flowersim.client.ClientState;
import io.flowersim.client.Config;
import io.flowersim.client.ConfigKeys;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.strategy.FedProx;
import io.flowersim.task.TaskRegistry;
import io.flowersim.task.TaskSettings;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Small, learnable IDX files written here: no dependence on the Debian package. */
public class FashionMnistTaskTest {

  @TempDir static Path dir;

  /** Label c lights rows 2c..2c+2 of the image, over uniform noise. */
  public static void writeLearnable(Path dir, String prefix, int n, long seed) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(10);
    }
    try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(
        dir.resolve(prefix + "-labels-idx1-ubyte.gz"))))) {
      out.writeInt(0x801);
      out.writeInt(n);
      for (int v : y) {
        out.writeByte(v);
      }
    }
    try (OutputStream raw = Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte"));
        DataOutputStream out = new DataOutputStream(raw)) {
      out.writeInt(0x803);
      out.writeInt(n);
      out.writeInt(28);
      out.writeInt(28);
      for (int i = 0; i < n; i++) {
        for (int row = 0; row < 28; row++) {
          for (int col = 0; col < 28; col++) {
            boolean lit = row >= 2 * y[i] + 2 && row < 2 * y[i] + 5;
            out.writeByte(lit ? 150 + r.nextInt(100) : r.nextInt(120));
          }
        }
      }
    }
  }

  static FashionMnistTask setUp(String name, int clients) throws Exception {
    if (!Files.exists(dir.resolve("t10k-images-idx3-ubyte"))) {
      writeLearnable(dir, "train", 2000, 1);
      writeLearnable(dir, "t10k", 300, 2);
    }
    FashionMnistTask task = (FashionMnistTask) TaskRegistry.load().create(name);
    PartitioningSpec iid = new PartitioningSpec();
    task.setup(new TaskSettings(Config.of(Map.of("dataDir", dir.toString(), "batchSize", "16",
        "learningRate", "0.1")), clients, iid));
    return task;
  }

  @Test
  void oneClientTrainsAFewBatchesAndItsLossFalls() throws Exception {
    FashionMnistTask task = setUp(FashionMnistMlpTask.NAME, 4);
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    assertThat(task.clientsRunConcurrentlyInOneProcess()).isFalse();
    Parameters start = task.initialParameters();
    assertThat(start.size()).isEqualTo(784 * 128 + 128 + 128 * 10 + 10);
    double before = task.evaluateCentralized(0, start).orElseThrow().loss();
    FashionMnistTask.TrainOutcome o = task.trainPartition(0, start,
        Config.of(Map.of("localEpochs", 3, "maxBatches", 60)));
    assertThat(o.epochLosses()[2]).isLessThan(o.epochLosses()[0]);
    // by default train_loss is the last epoch's running loss, without a second pass
    assertThat(o.metrics()).containsOnlyKeys("train_loss");
    assertThat(o.metrics().get("train_loss")).isEqualTo(o.epochLosses()[2]);
    EvaluateResult after = task.evaluateCentralized(1, o.parameters()).orElseThrow();
    assertThat(after.loss()).isLessThan(before);
    assertThat(after.metrics().get("accuracy")).isGreaterThan(0.5);
    // the test set stays in the engine between rounds, untouched: the start evaluates as before
    EvaluateResult again = task.evaluateCentralized(2, start).orElseThrow();
    assertThat(again.loss()).isEqualTo(before);
    assertThat(again.numExamples()).isEqualTo(300);
    // the client's own held-out split (10% of its 500 examples)
    EvaluateResult held = task.createClient(new io.flowersim.client.ClientContext(0, 0, 4,
        Config.empty(), null)).evaluate(o.parameters(), Config.empty());
    assertThat(held.numExamples()).isEqualTo(50);
    assertThat(o.examples()).isEqualTo(450);
  }

  @Test
  void trainMetricsAddsThePostTrainingLossAndAccuracy() throws Exception {
    FashionMnistTask task = setUp(FashionMnistMlpTask.NAME, 4);
    FashionMnistTask.TrainOutcome o = task.trainPartition(3, task.initialParameters(),
        Config.of(Map.of("localEpochs", 2, "maxBatches", 40, "trainMetrics", true)));
    assertThat(o.metrics()).containsOnlyKeys("train_loss", "train_accuracy");
    // measured after training, on the model the epochs produced: below the running loss
    assertThat(o.metrics().get("train_loss")).isLessThan(o.epochLosses()[0]);
    assertThat(o.metrics().get("train_accuracy")).isBetween(0.0, 1.0);
  }

  @Test
  void cnnTrainsToo() throws Exception {
    FashionMnistTask task = setUp(FashionMnistCnnTask.NAME, 4);
    FashionMnistTask.TrainOutcome o = task.trainPartition(1, task.initialParameters(),
        Config.of(Map.of("localEpochs", 2, "maxBatches", 40)));
    assertThat(o.epochLosses()[1]).isLessThan(o.epochLosses()[0]);
  }

  @Test
  void fedProxProximalTermKeepsTheLocalModelNearTheGlobalOne() throws Exception {
    FashionMnistTask task = setUp(FashionMnistMlpTask.NAME, 4);
    Parameters global = task.initialParameters();
    Map<String, Object> fit = Map.of("localEpochs", 2, "maxBatches", 40, "learningRate", 0.05);
    double plain = distance(global, task.trainPartition(2, global, Config.of(fit)).parameters());
    double prox = distance(global, task.trainPartition(2, global,
        Config.of(fit).with(ConfigKeys.PROXIMAL_MU, 5.0)).parameters());
    assertThat(plain).isGreaterThan(0);
    // the pull mu * (w - w_global) with mu * lr = 0.25 per step shrinks the drift a lot
    assertThat(prox).isLessThan(plain * 0.6);
  }

  private static double distance(Parameters a, Parameters b) {
    float[] x = a.values();
    float[] y = b.values();
    double sum = 0;
    for (int i = 0; i < x.length; i++) {
      sum += (double) (x[i] - y[i]) * (x[i] - y[i]);
    }
    return Math.sqrt(sum);
  }

  @Test
  void flwrDatasetsPartitionersSplitTheImagesButNaturalIdHasNoIdColumn() throws Exception {
    setUp("fashion-mnist-mlp", 2);
    FashionMnistTask task = (FashionMnistTask) TaskRegistry.load().create("fashion-mnist-mlp");
    PartitioningSpec natural = new PartitioningSpec();
    natural.type = PartitioningType.NATURAL_ID;
    PartitioningSpec pathological = new PartitioningSpec();
    pathological.type = PartitioningType.PATHOLOGICAL;
    pathological.classesPerClient = 11;
    Config config = Config.of(Map.of("dataDir", dir.toString()));

    assertThat(task.check(new TaskSettings(config, 10, natural)))
        .containsExactly("spec.clients.partitioning.type: Fashion-MNIST has no id column to group "
            + "by (natural-id); the synthetic task has writer ids");
    assertThat(task.check(new TaskSettings(config, 10, pathological)))
        .containsExactly("spec.clients.partitioning.classesPerClient: Fashion-MNIST has only 10 "
            + "labels, so at most 10, got 11");

    pathological.classesPerClient = 2;
    pathological.classAssignment = ClassAssignment.DETERMINISTIC;
    task.setup(new TaskSettings(config, 10, pathological));
    // setup splits the images by it, and a client trains on its share
    FitResult fit = task.createClient(new ClientContext(0, 0, 10, Config.empty(),
        new ClientState())).fit(task.initialParameters(), Config.of(Map.of("localEpochs", "1")));
    assertThat(fit.numExamples()).isPositive();
  }

  @Test
  void aDataDirWithoutFilesNamesTheKeyAndThePackage(@TempDir Path empty) {
    FashionMnistTask task = new FashionMnistMlpTask();
    assertThatThrownBy(() -> task.setup(new TaskSettings(Config.of(Map.of("dataDir",
        empty.toString())), 10, new PartitioningSpec())))
        .hasMessageContaining("spec.taskConfig.dataDir")
        .hasMessageContaining("dataset-fashion-mnist");
  }
}

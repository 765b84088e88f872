package io.flowersim.task.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowersim.api.v1alpha1.spec.ClassAssignment;
import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.api.v1alpha1.spec.PartitioningType;
import io.flowersim.client.ClientContext;
import io.flowersim.client.ClientState;
import io.flowersim.client.Config;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.task.TaskRegistry;
import io.flowersim.task.TaskSettings;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SyntheticTaskTest {

  private static final int CLASSES = 5;

  private static PartitioningSpec partitioning(PartitioningType type, Double alpha, long seed) {
    PartitioningSpec p = new PartitioningSpec();
    p.type = type;
    p.alpha = alpha;
    p.seed = seed;
    return p;
  }

  private static SyntheticData data(PartitioningSpec partitioning) {
    return new SyntheticData(20, CLASSES, 3.0, 1.0, partitioning.seedOrDefault(), partitioning);
  }

  private static SyntheticTask task(long seed, Map<String, String> config) {
    SyntheticTask task = new SyntheticTask();
    task.setup(new TaskSettings(Config.of(config), 100,
        partitioning(PartitioningType.IID, null, seed)));
    return task;
  }

  private static ClientContext context(int clientId) {
    return new ClientContext(clientId, clientId, 100, Config.empty(), new ClientState());
  }

  @Test
  void theSameSeedGivesTheSameDataAndInitialParameters() throws Exception {
    SyntheticData a = data(partitioning(PartitioningType.DIRICHLET, 0.5, 7));
    SyntheticData b = data(partitioning(PartitioningType.DIRICHLET, 0.5, 7));
    SyntheticData other = data(partitioning(PartitioningType.DIRICHLET, 0.5, 8));

    assertThat(b.clientData(3, 64, 0).features()).isEqualTo(a.clientData(3, 64, 0).features());
    assertThat(b.clientData(3, 64, 0).labels()).isEqualTo(a.clientData(3, 64, 0).labels());
    assertThat(other.clientData(3, 64, 0).features())
        .isNotEqualTo(a.clientData(3, 64, 0).features());
    // clients and splits differ from each other
    assertThat(a.clientData(4, 64, 0).features()).isNotEqualTo(a.clientData(3, 64, 0).features());
    assertThat(a.clientData(3, 64, 1).features()).isNotEqualTo(a.clientData(3, 64, 0).features());

    SyntheticTask t1 = task(7, Map.of());
    SyntheticTask t2 = task(7, Map.of());
    assertThat(t2.initialParameters()).isEqualTo(t1.initialParameters());
    assertThat(task(8, Map.of()).initialParameters()).isNotEqualTo(t1.initialParameters());
    Config round = Config.of(Map.of("server_round", 2));
    FitResult f1 = t1.createClient(context(11)).fit(t1.initialParameters(), round);
    FitResult f2 = t2.createClient(context(11)).fit(t2.initialParameters(), round);
    assertThat(f2.parameters()).isEqualTo(f1.parameters());
    assertThat(f2.metrics()).isEqualTo(f1.metrics());
  }

  /** The share of the most frequent label in each client's data, averaged over 50 clients. */
  private static double meanMaxLabelShare(SyntheticData data) {
    double sum = 0;
    for (int client = 0; client < 50; client++) {
      int[] counts = new int[CLASSES];
      int[] labels = data.clientData(client, 200, 0).labels();
      for (int y : labels) {
        counts[y]++;
      }
      int max = 0;
      for (int c : counts) {
        max = Math.max(max, c);
      }
      sum += (double) max / labels.length;
    }
    return sum / 50;
  }

  @Test
  void dirichletWithSmallAlphaSkewsTheLabels() {
    double dirichlet = meanMaxLabelShare(data(partitioning(PartitioningType.DIRICHLET, 0.1, 42)));
    double iid = meanMaxLabelShare(data(partitioning(PartitioningType.IID, null, 42)));

    // uniform over 5 labels: about 0.2 plus sampling noise; Dir(0.1): mostly one label
    assertThat(dirichlet).isGreaterThan(0.6);
    assertThat(iid).isLessThan(0.4);
  }

  @Test
  void shardsGiveEachClientAtMostTwoLabels() {
    PartitioningSpec shard = partitioning(PartitioningType.SHARD, null, 42);
    shard.shardsPerClient = 2;
    SyntheticData data = data(shard);
    java.util.Set<Integer> seen = new java.util.HashSet<>();

    for (int client = 0; client < 50; client++) {
      int[] labels = data.clientData(client, 100, 0).labels();
      java.util.Set<Integer> distinct = new java.util.HashSet<>();
      for (int y : labels) {
        distinct.add(y);
      }
      assertThat(distinct).as("labels of client %d", client).hasSizeBetween(1, 2);
      // the held-out split has the same labels
      for (int y : data.clientData(client, 50, 1).labels()) {
        assertThat(distinct).contains(y);
      }
      seen.addAll(distinct);
    }
    // different clients hold different labels
    assertThat(seen).hasSize(CLASSES);
  }

  @Test
  void pathologicalGivesEachClientExactlyItsLabels() {
    PartitioningSpec pathological = partitioning(PartitioningType.PATHOLOGICAL, null, 42);
    pathological.classesPerClient = 2;
    pathological.classAssignment = ClassAssignment.DETERMINISTIC;
    SyntheticData data = data(pathological);

    for (int client = 0; client < 12; client++) {
      java.util.Set<Integer> distinct = new java.util.HashSet<>();
      for (int y : data.clientData(client, 200, 0).labels()) {
        distinct.add(y);
      }
      // deterministic: labels i and i + 1 modulo the 5 labels
      assertThat(distinct).containsExactlyInAnyOrder(client % CLASSES, (client + 1) % CLASSES);
    }
  }

  @Test
  void sizeRulesSetEachClientsNumberOfExamples() throws Exception {
    PartitioningSpec linear = partitioning(PartitioningType.LINEAR, null, 42);
    SyntheticTask task = new SyntheticTask();
    task.setup(new TaskSettings(Config.of(Map.of("samplesPerClient", "10")), 4, linear));

    // 40 examples in units 1..4: 4, 8, 12, 16
    long[] sizes = new long[4];
    for (int client = 0; client < 4; client++) {
      sizes[client] = task.createClient(new ClientContext(client, client, 4, Config.empty(),
          new ClientState())).fit(task.initialParameters(), Config.empty()).numExamples();
    }
    assertThat(sizes).containsExactly(4, 8, 12, 16);
  }

  @Test
  void naturalIdGivesEveryWriterItsOwnStyleAndSize() {
    SyntheticData natural = data(partitioning(PartitioningType.NATURAL_ID, null, 42));
    SyntheticData iid = data(partitioning(PartitioningType.IID, null, 42));

    assertThat(natural.writerStyle(3)).isNotEqualTo(natural.writerStyle(4));
    assertThat(iid.writerStyle(3)).containsOnly(0f);
    java.util.Set<Integer> sizes = new java.util.HashSet<>();
    for (int writer = 0; writer < 20; writer++) {
      sizes.add(natural.writerExamples(writer, 64));
      assertThat(natural.writerExamples(writer, 64)).isBetween(32, 96);
    }
    assertThat(sizes.size()).isGreaterThan(5);
  }

  @Test
  void trainingAClientForAFewEpochsLowersItsLoss() {
    SyntheticData data = data(partitioning(PartitioningType.IID, null, 42));
    SyntheticData.Examples train = data.clientData(5, 128, 0);
    SoftmaxModel model = new SoftmaxModel(20, CLASSES, SoftmaxModel.initial(20, CLASSES, 42));
    double[] before = model.lossAndAccuracy(train);

    model.train(train, 5, 16, 0.1, new SplittableRandom(1));
    double[] after = model.lossAndAccuracy(train);

    // the initial model is near-uniform: loss about ln 5 = 1.609
    assertThat(before[0]).isBetween(1.5, 1.7);
    assertThat(after[0]).isLessThan(before[0] * 0.7);
    assertThat(after[1]).isGreaterThan(before[1]);
  }

  @Test
  void aClientsFitLowersItsEvaluationLoss() throws Exception {
    SyntheticTask task = task(42, Map.of("localEpochs", "3"));
    Parameters initial = task.initialParameters();
    var client = task.createClient(context(9));

    EvaluateResult before = client.evaluate(initial, Config.empty());
    FitResult fit = task.createClient(context(9))
        .fit(initial, Config.of(Map.of("server_round", 1)));
    EvaluateResult after = task.createClient(context(9)).evaluate(fit.parameters(), Config.empty());

    assertThat(fit.numExamples()).isEqualTo(64);
    assertThat(fit.metrics()).containsKeys("train_loss", "train_accuracy");
    assertThat(before.numExamples()).isEqualTo(16);
    assertThat(after.loss()).isLessThan(before.loss());
    assertThat(task.evaluateCentralized(1, fit.parameters()).orElseThrow().loss())
        .isLessThan(task.evaluateCentralized(0, initial).orElseThrow().loss());
  }

  @Test
  void badTaskConfigNamesTheField() {
    SyntheticTask task = new SyntheticTask();
    TaskSettings settings = new TaskSettings(Config.of(Map.of("localEpochs", "zero")), 10,
        new PartitioningSpec());

    assertThatThrownBy(() -> task.setup(settings))
        .hasMessageContaining("spec.taskConfig.localEpochs");
  }

  @Test
  void theTaskIsRegisteredByName() {
    TaskRegistry registry = TaskRegistry.load();

    assertThat(registry.contains(SyntheticTask.NAME)).isTrue();
    assertThat(registry.create(SyntheticTask.NAME)).isInstanceOf(SyntheticTask.class);
  }

  private static double distance(Parameters a, Parameters b) {
    double sum = 0;
    for (int i = 0; i < a.size(); i++) {
      double d = (double) a.values()[i] - b.values()[i];
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  @Test
  void fedProxsProximalTermKeepsTheLocalModelNearTheGlobalOne() throws Exception {
    // 5 local epochs at learning rate 0.5 on a dirichlet-skewed client: plain SGD drifts far
    // from the global model; gradient + mu * (w - w_global) pulls it back, more for a larger mu
    SyntheticTask task = new SyntheticTask();
    task.setup(new TaskSettings(Config.of(Map.of("localEpochs", "5", "learningRate", "0.5")), 100,
        partitioning(PartitioningType.DIRICHLET, 0.1, 3)));
    Parameters global = task.initialParameters();
    Config plain = Config.of(Map.of("server_round", 1));

    FitResult sgd = task.createClient(context(7)).fit(global, plain);
    FitResult muZero = task.createClient(context(7)).fit(global, plain.with("proximal_mu", 0.0));
    FitResult mu = task.createClient(context(7)).fit(global, plain.with("proximal_mu", 0.5));
    FitResult moreMu = task.createClient(context(7)).fit(global, plain.with("proximal_mu", 2.0));

    assertThat(muZero.parameters()).as("mu 0 is plain SGD").isEqualTo(sgd.parameters());
    double drift = distance(sgd.parameters(), global);
    double proxDrift = distance(mu.parameters(), global);
    double moreProxDrift = distance(moreMu.parameters(), global);
    assertThat(drift).isGreaterThan(0.5);
    assertThat(proxDrift).isLessThan(0.8 * drift);
    assertThat(moreProxDrift).isLessThan(0.8 * proxDrift);
    // it still learns: the training loss falls below the global model's
    SyntheticData.Examples train = data(partitioning(PartitioningType.DIRICHLET, 0.1, 3))
        .clientData(7, 64, 0);
    assertThat(mu.metrics().get("train_loss"))
        .isLessThan(new SoftmaxModel(20, CLASSES, global).lossAndAccuracy(train)[0]);
  }

  @Test
  void aNegativeProximalMuIsRefused() {
    SyntheticTask task = task(1, Map.of());

    assertThatThrownBy(() -> task.createClient(context(1)).fit(task.initialParameters(),
        Config.of(Map.of("proximal_mu", -1.0)))).hasMessageContaining("proximal_mu");
  }
}

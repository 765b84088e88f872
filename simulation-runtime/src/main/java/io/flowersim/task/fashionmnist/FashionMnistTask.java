package io.flowersim.task.fashionmnist;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.api.v1alpha1.spec.PartitioningType;
import io.flowersim.client.Client;
import io.flowersim.client.ClientContext;
import io.flowersim.client.Config;
import io.flowersim.client.ConfigKeys;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.data.FashionMnist;
import io.flowersim.data.LabeledDataset;
import io.flowersim.data.Partitioner;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskConfigException;
import io.flowersim.task.TaskOption;
import io.flowersim.task.TaskOptions;
import io.flowersim.task.TaskSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Fashion-MNIST trained with DJL's PyTorch engine: the data from Debian's dataset-fashion-mnist
 * (or taskConfig.dataDir), split among the clients by spec.clients.partitioning once per process;
 * each client keeps {@code evalFraction} of its partition for its own evaluation; the server
 * evaluates on the 10k test set. taskConfig keys, ranges and defaults are the options below.
 *
 * <p>DJL lets one training step run per JVM at a time, so {@link
 * #clientsRunConcurrentlyInOneProcess()} is false and all model work here is serialized.
 */
public abstract class FashionMnistTask implements FederatedTask {

  static final TaskOption<Double> LEARNING_RATE = TaskOption.number("learningRate", 0.1, 0, false);
  static final TaskOption<Integer> LOCAL_EPOCHS = TaskOption.wholeNumber("localEpochs", 1, 1,
      Integer.MAX_VALUE);
  static final TaskOption<Integer> BATCH_SIZE = TaskOption.wholeNumber("batchSize", 32, 1,
      Integer.MAX_VALUE);
  static final TaskOption<Double> EVAL_FRACTION = TaskOption.number("evalFraction", 0.1, 0, true,
      1);
  static final TaskOption<Integer> MAX_BATCHES = TaskOption.wholeNumber("maxBatches",
      Integer.MAX_VALUE, 1, Integer.MAX_VALUE);
  static final TaskOption<Boolean> TRAIN_METRICS = TaskOption.flag("trainMetrics", false);
  static final TaskOption<Integer> MIN_PARTITION_SIZE = TaskOption.wholeNumber("minPartitionSize",
      Partitioner.DEFAULT_MIN_PARTITION_SIZE, 0, Integer.MAX_VALUE);
  static final TaskOption<String> DATA_DIR = TaskOption.text(FashionMnist.DATA_DIR_KEY, null,
      "a directory with the IDX files (default: Debian's dataset-fashion-mnist)");
  static final TaskOption<Integer> TRAIN_EXAMPLES = TaskOption.wholeNumber("trainExamples",
      null, 1, Integer.MAX_VALUE);
  static final TaskOption<Integer> TEST_EXAMPLES = TaskOption.wholeNumber("testExamples", null, 1,
      Integer.MAX_VALUE);

  static final TaskOptions OPTIONS = TaskOptions.of(List.of(LEARNING_RATE, LOCAL_EPOCHS,
      BATCH_SIZE, EVAL_FRACTION, MAX_BATCHES, TRAIN_METRICS, MIN_PARTITION_SIZE, DATA_DIR,
      TRAIN_EXAMPLES, TEST_EXAMPLES));

  private LabeledDataset train;
  private LabeledDataset test;
  private int[][] partitions;
  private int[] testIndices;
  private int localEpochs;
  private int batchSize;
  private double learningRate;
  private double evalFraction;
  private int maxBatches;
  private boolean trainMetrics;
  private long seed;
  private ImageModel model;
  private ImageModel.EvalSet testSet;
  private Parameters initial;

  /** The network; called once per process. */
  protected abstract Block network();

  /** One example's input shape. */
  protected abstract Shape sampleShape();

  @Override
  public boolean clientsRunConcurrentlyInOneProcess() {
    return false;
  }

  @Override
  public TaskOptions options() {
    return OPTIONS;
  }

  /** Shards need as many labels, partitions as many examples. */
  @Override
  public List<String> checkCombined(TaskSettings settings) {
    PartitioningSpec partitioning = settings.partitioning();
    List<String> problems = new ArrayList<>(
        Partitioner.tooFewLabels(partitioning, FashionMnist.CLASSES, "Fashion-MNIST"));
    if (partitioning.typeOrDefault() == PartitioningType.NATURAL_ID) {
      problems.add("spec.clients.partitioning.type: Fashion-MNIST has no id column to group by "
          + "(natural-id); the synthetic task has writer ids");
    }
    Integer trainExamples = settings.get(TRAIN_EXAMPLES);
    long sized = java.util.Arrays.stream(partitioning.partitionSizesArray()).asLongStream().sum();
    if (partitioning.typeOrDefault().takesPartitionSizes() && trainExamples != null
        && sized > trainExamples) {
      problems.add("spec.clients.partitioning.partitionSizes: they add up to " + sized
          + " examples, but spec.taskConfig.trainExamples keeps only " + trainExamples);
    }
    if (trainExamples != null && settings.numClients() > trainExamples) {
      problems.add("spec.clients.count: " + settings.numClients() + " partitions but "
          + "spec.taskConfig.trainExamples keeps only " + trainExamples + " examples");
    }
    return problems;
  }

  @Override
  public void setup(TaskSettings settings) throws Exception {
    TaskConfigException.refuseAny(check(settings));
    localEpochs = settings.get(LOCAL_EPOCHS);
    batchSize = settings.get(BATCH_SIZE);
    learningRate = settings.get(LEARNING_RATE);
    evalFraction = settings.get(EVAL_FRACTION);
    maxBatches = settings.get(MAX_BATCHES);
    trainMetrics = settings.get(TRAIN_METRICS);
    int minPartitionSize = settings.get(MIN_PARTITION_SIZE);
    seed = settings.partitioning().seedOrDefault();
    var dir = FashionMnist.directory(settings.get(DATA_DIR));
    train = FashionMnist.train(dir);
    test = FashionMnist.test(dir);
    // optional subsets (tests, quick runs): the first N examples
    Integer trainExamples = settings.get(TRAIN_EXAMPLES);
    if (trainExamples != null) {
      train = train.head(trainExamples);
    }
    Integer testExamples = settings.get(TEST_EXAMPLES);
    testIndices = IntStream.range(0, testExamples == null ? test.size()
        : Math.min(test.size(), testExamples)).toArray();
    partitions = Partitioner.fromSpec(settings.partitioning(), minPartitionSize)
        .partition(train.labels(), train.numClasses(), settings.numClients());
    synchronized (this) {
      model = new ImageModel(name(), network(), sampleShape(), seed);
      initial = model.exportParameters();
      testSet = null;
    }
  }

  @Override
  public Parameters initialParameters() {
    return initial;
  }

  /**
   * Partition {@code p}'s training examples (all but the held-out tail). Public so that bench can
   * export the split and run the same clients in other simulators; valid after {@link #setup}.
   */
  public int[] trainIndices(int p) {
    int[] all = partitions[p];
    return Arrays.copyOfRange(all, 0, all.length - heldOut(all.length));
  }

  /** Partition {@code p}'s held-out examples for the client's evaluation (see trainIndices). */
  public int[] evalIndices(int p) {
    int[] all = partitions[p];
    return Arrays.copyOfRange(all, all.length - heldOut(all.length), all.length);
  }

  private int heldOut(int n) {
    int h = (int) Math.round(n * evalFraction);
    return evalFraction > 0 && n > 1 ? Math.max(1, Math.min(h, n - 1)) : 0;
  }

  @Override
  public Optional<EvaluateResult> evaluateCentralized(int round, Parameters parameters) {
    double[] la;
    synchronized (this) {
      model.importParameters(parameters);
      if (testSet == null) {
        testSet = model.evalSet(test, testIndices, 1000);
      }
      la = model.evaluate(testSet);
    }
    return Optional.of(new EvaluateResult(la[0], testIndices.length, Map.of("accuracy", la[1])));
  }

  @Override
  public Client createClient(ClientContext context) {
    return new DjlClient(context.partitionId());
  }

  /** Trains {@code partition}'s data from {@code parameters}; for tests: per-epoch losses too. */
  synchronized TrainOutcome trainPartition(int partition, Parameters parameters, Config config) {
    int[] idx = trainIndices(partition);
    int round = config.getInt("server_round", 0);
    model.importParameters(parameters);
    double[] losses = model.train(train, idx, config.getInt("localEpochs", localEpochs),
        config.getInt("batchSize", batchSize), (float) config.getDouble("learningRate",
            learningRate), (float) config.getDouble(ConfigKeys.PROXIMAL_MU, 0.0),
        new SplittableRandom(seed * 1_000_003L + partition * 7919L + round),
        config.getInt("maxBatches", maxBatches));
    // train_loss is the last epoch's running loss, as Flower's PyTorch examples report it; a
    // second pass over the data for post-training loss and accuracy costs about a third of a fit,
    // so it runs only when taskConfig.trainMetrics asks for it.
    Map<String, Double> metrics;
    if (config.getBoolean("trainMetrics", trainMetrics)) {
      double[] la = model.evaluate(train, idx, 1000);
      metrics = Map.of("train_loss", la[0], "train_accuracy", la[1]);
    } else {
      metrics = Map.of("train_loss", losses[losses.length - 1]);
    }
    return new TrainOutcome(model.exportParameters(), idx.length, losses, metrics);
  }

  record TrainOutcome(Parameters parameters, int examples, double[] epochLosses,
      Map<String, Double> metrics) {}

  private final class DjlClient implements Client {
    private final int partition;

    DjlClient(int partition) {
      this.partition = partition;
    }

    @Override
    public Parameters getParameters(Config config) {
      return initial;
    }

    @Override
    public FitResult fit(Parameters parameters, Config config) {
      TrainOutcome o = trainPartition(partition, parameters, config);
      return new FitResult(o.parameters(), o.examples(), Map.copyOf(o.metrics()));
    }

    @Override
    public EvaluateResult evaluate(Parameters parameters, Config config) {
      int[] idx = evalIndices(partition);
      double[] la;
      synchronized (FashionMnistTask.this) {
        model.importParameters(parameters);
        la = model.evaluate(train, idx, 1000);
      }
      return new EvaluateResult(la[0], idx.length, Map.of("accuracy", la[1]));
    }
  }
}

package io.flowersim.task.synthetic;

import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.api.v1alpha1.spec.PartitioningType;
import io.flowersim.client.Client;
import io.flowersim.client.ClientContext;
import io.flowersim.client.Config;
import io.flowersim.client.ConfigKeys;
import io.flowersim.client.ControlVariateClient;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.data.PartitionSizes;
import io.flowersim.data.Partitioner;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.HeapBudget;
import io.flowersim.task.TaskConfigException;
import io.flowersim.task.TaskOption;
import io.flowersim.task.TaskOptions;
import io.flowersim.task.TaskSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Built-in task "synthetic": softmax regression on Gaussian class clusters generated from a seed.
 * Needs no data files, so it runs anywhere, and partitioning (iid, dirichlet, shard) shapes each
 * client's labels. taskConfig keys, ranges and defaults are the options below.
 */
public final class SyntheticTask implements FederatedTask {

  public static final String NAME = "synthetic";

  static final TaskOption<Integer> DIMENSIONS = TaskOption.wholeNumber("dimensions", 20, 1,
      Integer.MAX_VALUE);
  static final TaskOption<Integer> CLASSES = TaskOption.wholeNumber("classes", 5, 1,
      Integer.MAX_VALUE);
  static final TaskOption<Double> SEPARATION = TaskOption.number("separation", 3.0, 0, true);
  static final TaskOption<Double> NOISE = TaskOption.number("noise", 1.0, 0, true);
  static final TaskOption<Integer> SAMPLES_PER_CLIENT = TaskOption.wholeNumber("samplesPerClient",
      64, 1, Integer.MAX_VALUE);
  static final TaskOption<Integer> EVAL_SAMPLES_PER_CLIENT = TaskOption.wholeNumber(
      "evalSamplesPerClient", 16, 1, Integer.MAX_VALUE);
  static final TaskOption<Integer> TEST_SAMPLES = TaskOption.wholeNumber("testSamples", 2000, 1,
      Integer.MAX_VALUE);
  static final TaskOption<Double> LEARNING_RATE = TaskOption.number("learningRate", 0.1, 0, false);
  static final TaskOption<Integer> LOCAL_EPOCHS = TaskOption.wholeNumber("localEpochs", 1, 1,
      Integer.MAX_VALUE);
  static final TaskOption<Integer> BATCH_SIZE = TaskOption.wholeNumber("batchSize", 16, 1,
      Integer.MAX_VALUE);

  private static final TaskOptions OPTIONS = TaskOptions.of(List.of(DIMENSIONS, CLASSES,
      SEPARATION, NOISE, SAMPLES_PER_CLIENT, EVAL_SAMPLES_PER_CLIENT, TEST_SAMPLES, LEARNING_RATE,
      LOCAL_EPOCHS, BATCH_SIZE));

  private SyntheticData data;
  private SyntheticData.Examples testSet;
  private int samplesPerClient;
  private int evalSamplesPerClient;
  private int localEpochs;
  private int batchSize;
  private double learningRate;
  private long seed;
  private int[] trainSizes;
  private boolean naturalId;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "softmax regression on seeded Gaussian clusters; no data files needed; applies "
        + "FedProx's proximal_mu (" + OPTIONS.describe() + ")";
  }

  @Override
  public TaskOptions options() {
    return OPTIONS;
  }

  /** Shards need as many classes, and the data must fit in an array and in the heap. */
  @Override
  public List<String> checkCombined(TaskSettings settings) {
    int classes = settings.get(CLASSES);
    PartitioningSpec partitioning = settings.partitioning();
    List<String> problems = new ArrayList<>(
        Partitioner.tooFewLabels(partitioning, classes, "the task (spec.taskConfig.classes)"));
    if (partitioning.typeOrDefault().sizesByRule()) {
      try {
        PartitionSizes.byRule(partitioning.typeOrDefault(), settings.numClients(),
            (long) settings.get(SAMPLES_PER_CLIENT) * settings.numClients());
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    long dimensions = settings.get(DIMENSIONS);
    long samples = settings.get(SAMPLES_PER_CLIENT);
    long evalSamples = settings.get(EVAL_SAMPLES_PER_CLIENT);
    long testSamples = settings.get(TEST_SAMPLES);
    HeapBudget.array("spec.taskConfig.samplesPerClient", HeapBudget.times(samples, dimensions),
        "a client's examples (samplesPerClient x dimensions)").ifPresent(problems::add);
    HeapBudget.array("spec.taskConfig.evalSamplesPerClient",
        HeapBudget.times(evalSamples, dimensions),
        "a client's evaluation examples (evalSamplesPerClient x dimensions)")
        .ifPresent(problems::add);
    HeapBudget.array("spec.taskConfig.testSamples", HeapBudget.times(testSamples, dimensions),
        "the test set (testSamples x dimensions)").ifPresent(problems::add);
    HeapBudget.array("spec.taskConfig.classes", HeapBudget.times(classes, dimensions),
        "the model (classes x dimensions)").ifPresent(problems::add);
    if (problems.isEmpty()) {
      // floats: the test set, one client's examples and the model's copies (global, update).
      long floats = (testSamples + samples + evalSamples) * dimensions + 3L * classes * dimensions;
      HeapBudget.heap("spec.taskConfig", HeapBudget.times(floats, Float.BYTES),
          "the test set, a client's examples and the model").ifPresent(problems::add);
    }
    return problems;
  }

  @Override
  public void setup(TaskSettings settings) {
    TaskConfigException.refuseAny(check(settings));
    samplesPerClient = settings.get(SAMPLES_PER_CLIENT);
    evalSamplesPerClient = settings.get(EVAL_SAMPLES_PER_CLIENT);
    localEpochs = settings.get(LOCAL_EPOCHS);
    batchSize = settings.get(BATCH_SIZE);
    learningRate = settings.get(LEARNING_RATE);
    seed = settings.partitioning().seedOrDefault();
    naturalId = settings.partitioning().typeOrDefault() == PartitioningType.NATURAL_ID;
    data = new SyntheticData(settings.get(DIMENSIONS), settings.get(CLASSES),
        settings.get(SEPARATION), settings.get(NOISE), seed, settings.partitioning());
    testSet = data.testSet(settings.get(TEST_SAMPLES));
    trainSizes = trainSizes(settings.partitioning(), settings.numClients(), samplesPerClient);
  }

  /**
   * Each client's number of training examples where the partitioning sets it: the size rules
   * (linear, square, exponential) share samplesPerClient x clients among them, size and
   * inner-dirichlet take partitionSizes; null where every client has samplesPerClient.
   */
  private static int[] trainSizes(PartitioningSpec partitioning, int clients, int perClient) {
    PartitioningType type = partitioning.typeOrDefault();
    if (type.sizesByRule()) {
      return PartitionSizes.byRule(type, clients, (long) perClient * clients);
    }
    return type.takesPartitionSizes() ? partitioning.partitionSizesArray() : null;
  }

  private int trainSize(int clientId) {
    if (trainSizes != null) {
      return trainSizes[clientId];
    }
    return naturalId ? data.writerExamples(clientId, samplesPerClient) : samplesPerClient;
  }

  @Override
  public Parameters initialParameters() {
    return SoftmaxModel.initial(data.dimensions(), data.classes(), seed);
  }

  @Override
  public Client createClient(ClientContext context) {
    return new SyntheticClient(context.clientId());
  }

  @Override
  public Optional<EvaluateResult> evaluateCentralized(int round, Parameters parameters) {
    double[] la = new SoftmaxModel(data.dimensions(), data.classes(), parameters)
        .lossAndAccuracy(testSet);
    return Optional.of(new EvaluateResult(la[0], testSet.size(), Map.of("accuracy", la[1])));
  }

  /** Its clients take SCAFFOLD's correction in their SGD steps. */
  @Override
  public boolean trainsWithControlVariates() {
    return true;
  }

  /** The ephemeral client: generates its data from its id when it runs, then is dropped. */
  private final class SyntheticClient implements ControlVariateClient {
    private final int clientId;

    SyntheticClient(int clientId) {
      this.clientId = clientId;
    }

    @Override
    public Parameters getParameters(Config config) {
      return initialParameters();
    }

    @Override
    public FitResult fit(Parameters parameters, Config config) {
      return fit(parameters, config, null).result();
    }

    @Override
    public CorrectedFit fit(Parameters parameters, Config config, float[] correction) {
      SyntheticData.Examples train = data.clientData(clientId, trainSize(clientId), 0);
      SoftmaxModel model = new SoftmaxModel(data.dimensions(), data.classes(), parameters);
      int round = config.getInt("server_round", 0);
      double rate = config.getDouble("learningRate", learningRate);
      long steps = model.train(train, config.getInt("localEpochs", localEpochs),
          config.getInt("batchSize", batchSize), rate,
          config.getDouble(ConfigKeys.PROXIMAL_MU, 0.0), correction,
          new SplittableRandom(SyntheticData.mix(SyntheticData.mix(seed, clientId), round)));
      double[] la = model.lossAndAccuracy(train);
      return new CorrectedFit(new FitResult(model.toParameters(), train.size(),
          Map.of("train_loss", la[0], "train_accuracy", la[1])), steps, rate);
    }

    @Override
    public EvaluateResult evaluate(Parameters parameters, Config config) {
      SyntheticData.Examples held = data.clientData(clientId, evalSamplesPerClient, 1);
      double[] la = new SoftmaxModel(data.dimensions(), data.classes(), parameters)
          .lossAndAccuracy(held);
      return new EvaluateResult(la[0], held.size(), Map.of("accuracy", la[1]));
    }
  }
}

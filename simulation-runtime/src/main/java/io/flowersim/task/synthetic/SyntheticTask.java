package io.flowersim.task.synthetic;

import io.flowersim.client.Client;
import io.flowersim.client.ClientContext;
import io.flowersim.client.Config;
import io.flowersim.client.ConfigKeys;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.FitResult;
import io.flowersim.client.Parameters;
import io.flowersim.task.FederatedTask;
import io.flowersim.task.TaskSettings;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Built-in task "synthetic": softmax regression on Gaussian class clusters generated from a seed.
 * Needs no data files, so it runs anywhere, and partitioning (iid, dirichlet, shard) shapes each
 * client's labels. taskConfig keys and defaults are the constants below.
 */
public final class SyntheticTask implements FederatedTask {

  public static final String NAME = "synthetic";

  private SyntheticData data;
  private SyntheticData.Examples testSet;
  private int samplesPerClient;
  private int evalSamplesPerClient;
  private int localEpochs;
  private int batchSize;
  private double learningRate;
  private long seed;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "softmax regression on seeded Gaussian clusters; no data files needed (taskConfig: "
        + "dimensions, classes, separation, noise, samplesPerClient, evalSamplesPerClient, "
        + "testSamples, learningRate, localEpochs, batchSize; applies FedProx's proximal_mu)";
  }

  @Override
  public void setup(TaskSettings settings) {
    int dimensions = settings.positiveInt("dimensions", 20);
    int classes = settings.positiveInt("classes", 5);
    samplesPerClient = settings.positiveInt("samplesPerClient", 64);
    evalSamplesPerClient = settings.positiveInt("evalSamplesPerClient", 16);
    localEpochs = settings.positiveInt("localEpochs", 1);
    batchSize = settings.positiveInt("batchSize", 16);
    learningRate = settings.number("learningRate", 0.1);
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("spec.taskConfig.learningRate: must be > 0, got "
          + learningRate);
    }
    seed = settings.partitioning().seedOrDefault();
    data = new SyntheticData(dimensions, classes, settings.number("separation", 3.0),
        settings.number("noise", 1.0), seed, settings.partitioning());
    testSet = data.testSet(settings.positiveInt("testSamples", 2000));
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

  /** The ephemeral client: generates its data from its id when it runs, then is dropped. */
  private final class SyntheticClient implements Client {
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
      SyntheticData.Examples train = data.clientData(clientId, samplesPerClient, 0);
      SoftmaxModel model = new SoftmaxModel(data.dimensions(), data.classes(), parameters);
      int round = config.getInt("server_round", 0);
      model.train(train, config.getInt("localEpochs", localEpochs),
          config.getInt("batchSize", batchSize), config.getDouble("learningRate", learningRate),
          config.getDouble(ConfigKeys.PROXIMAL_MU, 0.0),
          new SplittableRandom(SyntheticData.mix(SyntheticData.mix(seed, clientId), round)));
      double[] la = model.lossAndAccuracy(train);
      return new FitResult(model.toParameters(), train.size(),
          Map.of("train_loss", la[0], "train_accuracy", la[1]));
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

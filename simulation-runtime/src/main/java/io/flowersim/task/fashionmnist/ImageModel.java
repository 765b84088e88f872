package io.flowersim.task.fashionmnist;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.flowersim.client.Parameters;
import io.flowersim.data.LabeledDataset;
import io.flowersim.data.Shuffle;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One DJL model with its trainer, reused for every client of the process (clients run one at a
 * time: see {@link FashionMnistTask#clientsRunConcurrentlyInOneProcess()}). A fit loads the global
 * parameters into it, trains, and exports them again; plain SGD keeps no state between clients.
 * Not thread-safe: the task serializes all calls.
 */
final class ImageModel implements AutoCloseable {

  private final Model model;
  private final Trainer trainer;
  private final Shape sampleShape;
  private final List<Pair<String, Parameter>> params;
  private final Loss loss = Loss.softmaxCrossEntropyLoss();
  private Tracker lrTracker;
  private float learningRate;

  /**
   * @param block the network (its input is {@code sampleShape} with a batch dimension in front)
   * @param sampleShape one example's shape, e.g. (784) or (1, 28, 28)
   */
  ImageModel(String name, Block block, Shape sampleShape, long seed) {
    Djl.engine().setRandomSeed((int) seed);
    this.sampleShape = sampleShape;
    model = Model.newInstance(name, Djl.ENGINE);
    model.setBlock(block);
    learningRate = 0.1f;
    DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
        .optOptimizer(Optimizer.sgd().setLearningRateTracker(new Tracker() {
          @Override
          public float getNewValue(int numUpdate) {
            return learningRate;
          }
        }).build());
    trainer = model.newTrainer(config);
    trainer.initialize(batchShape(1));
    params = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      params.add(p);
    }
  }

  private Shape batchShape(int batch) {
    long[] dims = new long[sampleShape.dimension() + 1];
    dims[0] = batch;
    for (int i = 0; i < sampleShape.dimension(); i++) {
      dims[i + 1] = sampleShape.get(i);
    }
    return new Shape(dims);
  }

  Parameters exportParameters() {
    Parameters.Builder b = Parameters.builder();
    for (Pair<String, Parameter> p : params) {
      NDArray a = p.getValue().getArray();
      long[] shape = a.getShape().getShape();
      int[] s = new int[shape.length];
      for (int i = 0; i < shape.length; i++) {
        s[i] = (int) shape[i];
      }
      b.add(p.getKey(), s, a.toFloatArray());
    }
    return b.build();
  }

  void importParameters(Parameters parameters) {
    for (Pair<String, Parameter> p : params) {
      p.getValue().getArray().set(parameters.copyOf(p.getKey()));
    }
  }

  /**
   * Trains on {@code indices} of {@code data}; returns the mean training loss of each epoch.
   * With {@code proximalMu > 0} (FedProx) the loss gains (mu/2)||w - w_global||^2, w_global being
   * the parameters the model held before training: each step's gradient gains mu * (w - w_global).
   *
   * @param maxBatches stop after this many batches in all (for tests; Integer.MAX_VALUE: none)
   */
  double[] train(LabeledDataset data, int[] indices, int epochs, int batchSize, float lr,
      float proximalMu, SplittableRandom random, int maxBatches) {
    if (!(proximalMu >= 0)) {
      throw new IllegalArgumentException("proximal_mu must be >= 0, got " + proximalMu);
    }
    this.learningRate = lr;
    try (NDManager global = trainer.getManager().newSubManager()) {
      List<NDArray> anchor = proximalMu > 0 ? snapshot(global) : null;
      return train(data, indices, epochs, batchSize, proximalMu, anchor, random, maxBatches);
    }
  }

  private List<NDArray> snapshot(NDManager manager) {
    List<NDArray> copies = new ArrayList<>(params.size());
    for (Pair<String, Parameter> p : params) {
      NDArray copy = p.getValue().getArray().duplicate();
      copy.attach(manager);
      copies.add(copy);
    }
    return copies;
  }

  private double[] train(LabeledDataset data, int[] indices, int epochs, int batchSize,
      float proximalMu, List<NDArray> anchor, SplittableRandom random, int maxBatches) {
    int[] order = indices.clone();
    double[] epochLoss = new double[epochs];
    int batches = 0;
    for (int e = 0; e < epochs; e++) {
      Shuffle.shuffle(order, random);
      double sum = 0;
      int n = 0;
      for (int from = 0; from < order.length && batches < maxBatches; from += batchSize) {
        int to = Math.min(order.length, from + batchSize);
        try (NDManager batch = trainer.getManager().newSubManager()) {
          NDList[] xy = batch(batch, data, order, from, to);
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDArray out = trainer.forward(xy[0]).singletonOrThrow();
            NDArray l = loss.evaluate(xy[1], new NDList(out));
            sum += l.getFloat() * (to - from);
            n += to - from;
            collector.backward(l);
          }
          if (anchor != null) {
            addProximalGradient(batch, proximalMu, anchor);
          }
          trainer.step();
        }
        batches++;
      }
      epochLoss[e] = n == 0 ? Double.NaN : sum / n;
    }
    return epochLoss;
  }

  private void addProximalGradient(NDManager scratch, float mu, List<NDArray> anchor) {
    for (int i = 0; i < params.size(); i++) {
      NDArray w = params.get(i).getValue().getArray();
      NDArray pull = w.sub(anchor.get(i));
      pull.attach(scratch);
      pull.muli(mu);
      NDArray grad = w.getGradient();
      grad.attach(scratch);
      grad.addi(pull);
    }
  }

  /**
   * A fixed evaluation set already copied into the engine, in batches: the server evaluates the
   * same test set every round, and copying 10k images from the Java heap each time (3 MB arrays,
   * humongous for G1) cost about a fifth of an MLP round.
   */
  final class EvalSet implements AutoCloseable {
    private final NDManager manager;
    private final List<NDList[]> batches = new ArrayList<>();
    private final int size;

    private EvalSet(LabeledDataset data, int[] indices, int batchSize) {
      manager = trainer.getManager().newSubManager();
      for (int from = 0; from < indices.length; from += batchSize) {
        batches.add(batch(manager, data, indices, from, Math.min(indices.length, from + batchSize)));
      }
      size = indices.length;
    }

    @Override
    public void close() {
      manager.close();
    }
  }

  /** {@code indices} of {@code data} as an {@link EvalSet}; the caller closes it. */
  EvalSet evalSet(LabeledDataset data, int[] indices, int batchSize) {
    return new EvalSet(data, indices, batchSize);
  }

  /** Mean loss and accuracy on {@code indices} of {@code data}. */
  double[] evaluate(LabeledDataset data, int[] indices, int batchSize) {
    try (EvalSet set = evalSet(data, indices, batchSize)) {
      return evaluate(set);
    }
  }

  /** Mean loss and accuracy on {@code set}. */
  double[] evaluate(EvalSet set) {
    double lossSum = 0;
    long correct = 0;
    for (NDList[] xy : set.batches) {
      try (NDManager scratch = trainer.getManager().newSubManager()) {
        // results land in their input's manager: borrow the batch so that they go with scratch
        xy[0].tempAttach(scratch);
        xy[1].tempAttach(scratch);
        long n = xy[1].singletonOrThrow().size();
        NDArray out = trainer.evaluate(xy[0]).singletonOrThrow();
        lossSum += loss.evaluate(xy[1], new NDList(out)).getFloat() * n;
        NDArray predicted = out.argMax(1).toType(DataType.INT32, false);
        correct += predicted.eq(xy[1].singletonOrThrow()).sum().getLong();
      }
    }
    int n = set.size;
    return n == 0 ? new double[] {Double.NaN, Double.NaN}
        : new double[] {lossSum / n, (double) correct / n};
  }

  private NDList[] batch(NDManager manager, LabeledDataset data, int[] order, int from, int to) {
    int d = data.featureSize();
    float[] x = new float[(to - from) * d];
    int[] y = new int[to - from];
    float[] all = data.features();
    int[] labels = data.labels();
    for (int i = from; i < to; i++) {
      System.arraycopy(all, order[i] * d, x, (i - from) * d, d);
      y[i - from] = labels[order[i]];
    }
    return new NDList[] {new NDList(manager.create(x, batchShape(to - from))),
        new NDList(manager.create(y))};
  }

  @Override
  public void close() {
    trainer.close();
    model.close();
  }
}

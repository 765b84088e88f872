package io.flowersim.task.synthetic;

import io.flowersim.client.Parameters;
import java.util.SplittableRandom;

/**
 * Multi-class logistic regression in plain Java: weights [classes x dimensions] and bias
 * [classes], trained by minibatch SGD on cross-entropy. Small enough to need no library, real
 * enough that FedAvg visibly learns.
 */
final class SoftmaxModel {

  static final String WEIGHT = "weight";
  static final String BIAS = "bias";

  private final int dimensions;
  private final int classes;
  private final float[] w;
  private final float[] b;

  SoftmaxModel(int dimensions, int classes, Parameters parameters) {
    this.dimensions = dimensions;
    this.classes = classes;
    this.w = parameters.copyOf(WEIGHT);
    this.b = parameters.copyOf(BIAS);
  }

  static Parameters initial(int dimensions, int classes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] w = new float[classes * dimensions];
    double scale = 0.01;
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    }
    return Parameters.builder()
        .add(WEIGHT, new int[] {classes, dimensions}, w)
        .add(BIAS, new int[] {classes}, new float[classes])
        .build();
  }

  Parameters toParameters() {
    return Parameters.builder()
        .add(WEIGHT, new int[] {classes, dimensions}, w.clone())
        .add(BIAS, new int[] {classes}, b.clone())
        .build();
  }

  /** Minibatch SGD over {@code epochs} passes in a seeded order. */
  void train(SyntheticData.Examples data, int epochs, int batchSize, double learningRate,
      SplittableRandom random) {
    train(data, epochs, batchSize, learningRate, 0.0, random);
  }

  /**
   * Minibatch SGD over {@code epochs} passes in a seeded order. With {@code proximalMu > 0}
   * (FedProx) the loss gains the proximal term (mu/2)||w - w_global||^2, w_global being the
   * parameters the model held before training, so each step's gradient gains mu * (w - w_global).
   */
  void train(SyntheticData.Examples data, int epochs, int batchSize, double learningRate,
      double proximalMu, SplittableRandom random) {
    train(data, epochs, batchSize, learningRate, proximalMu, null, random);
  }

  /**
   * As above, with SCAFFOLD's {@code correction} (laid out as {@link #toParameters()}: weights,
   * then biases; null for none) added to every step's gradient.
   *
   * @return the number of SGD steps taken
   */
  long train(SyntheticData.Examples data, int epochs, int batchSize, double learningRate,
      double proximalMu, float[] correction, SplittableRandom random) {
    if (correction != null && correction.length != w.length + b.length) {
      throw new IllegalArgumentException("correction of " + correction.length + " values for a "
          + "model of " + (w.length + b.length));
    }
    long steps = 0;
    float lr = (float) learningRate;
    if (!(proximalMu >= 0)) {
      throw new IllegalArgumentException("proximal_mu must be >= 0, got " + proximalMu);
    }
    float[] globalW = proximalMu > 0 ? w.clone() : null;
    float[] globalB = proximalMu > 0 ? b.clone() : null;
    float pull = (float) (learningRate * proximalMu);
    int n = data.size();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    float[] gradW = new float[w.length];
    float[] gradB = new float[b.length];
    double[] p = new double[classes];
    for (int epoch = 0; epoch < epochs; epoch++) {
      for (int i = n - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      for (int start = 0; start < n; start += batchSize) {
        int end = Math.min(n, start + batchSize);
        java.util.Arrays.fill(gradW, 0f);
        java.util.Arrays.fill(gradB, 0f);
        for (int k = start; k < end; k++) {
          int i = order[k];
          probabilities(data.features(), i * dimensions, p);
          int y = data.labels()[i];
          for (int c = 0; c < classes; c++) {
            float g = (float) (p[c] - (c == y ? 1 : 0));
            gradB[c] += g;
            int row = c * dimensions;
            for (int d = 0; d < dimensions; d++) {
              gradW[row + d] += g * data.features()[i * dimensions + d];
            }
          }
        }
        float step = (float) (learningRate / (end - start));
        // w -= lr * (mean cross-entropy gradient + mu * (w - w_global))
        for (int q = 0; q < w.length; q++) {
          w[q] -= step * gradW[q] + (globalW == null ? 0f : pull * (w[q] - globalW[q]))
              + (correction == null ? 0f : lr * correction[q]);
        }
        for (int c = 0; c < classes; c++) {
          b[c] -= step * gradB[c] + (globalB == null ? 0f : pull * (b[c] - globalB[c]))
              + (correction == null ? 0f : lr * correction[w.length + c]);
        }
        steps++;
      }
    }
    return steps;
  }

  /** Mean cross-entropy and accuracy over {@code data}. */
  double[] lossAndAccuracy(SyntheticData.Examples data) {
    double[] p = new double[classes];
    double loss = 0;
    int correct = 0;
    for (int i = 0; i < data.size(); i++) {
      probabilities(data.features(), i * dimensions, p);
      int y = data.labels()[i];
      loss -= Math.log(Math.max(p[y], 1e-12));
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (p[c] > p[best]) {
          best = c;
        }
      }
      if (best == y) {
        correct++;
      }
    }
    int n = Math.max(1, data.size());
    return new double[] {loss / n, (double) correct / n};
  }

  private void probabilities(float[] x, int offset, double[] out) {
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < classes; c++) {
      double z = b[c];
      int row = c * dimensions;
      for (int d = 0; d < dimensions; d++) {
        z += w[row + d] * x[offset + d];
      }
      out[c] = z;
      max = Math.max(max, z);
    }
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      out[c] = Math.exp(out[c] - max);
      sum += out[c];
    }
    for (int c = 0; c < classes; c++) {
      out[c] /= sum;
    }
  }
}

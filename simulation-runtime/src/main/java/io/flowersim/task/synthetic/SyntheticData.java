package io.flowersim.task.synthetic;

import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.data.RandomVariates;
import java.util.SplittableRandom;

/**
 * Gaussian class clusters generated from a seed: class c's examples are mean_c + noise. Each
 * client's examples are derived from (seed, client id) on demand, so no partition is stored and a
 * million clients cost nothing until they run. The partitioning spec shapes each client's labels:
 * iid and the size-based types (uniform), dirichlet and inner-dirichlet (a label distribution
 * drawn from Dir(alpha)), shard and pathological (k labels); natural-id gives every client
 * (writer) its own style.
 */
final class SyntheticData {

  /** Examples as a row-major feature matrix and labels. */
  record Examples(float[] features, int[] labels, int dimensions) {
    int size() {
      return labels.length;
    }
  }

  private final int dimensions;
  private final int classes;
  private final double noise;
  private final long seed;
  private final PartitioningSpec partitioning;
  private final float[][] means;

  SyntheticData(int dimensions, int classes, double separation, double noise, long seed,
      PartitioningSpec partitioning) {
    this.dimensions = dimensions;
    this.classes = classes;
    this.noise = noise;
    this.seed = seed;
    this.partitioning = partitioning;
    SplittableRandom random = new SplittableRandom(seed);
    means = new float[classes][];
    for (int c = 0; c < classes; c++) {
      means[c] = randomDirection(random, dimensions, separation);
    }
  }

  int dimensions() {
    return dimensions;
  }

  int classes() {
    return classes;
  }

  /** The server's test set: {@code n} examples with uniform labels, independent of any client. */
  Examples testSet(int n) {
    return generate(new SplittableRandom(mix(seed, -1)), n, uniformLabels(),
        new float[dimensions]);
  }

  /**
   * Client {@code clientId}'s data: {@code n} examples; {@code split} tells train (0) from the
   * client's held-out evaluation examples (1), which share the client's label distribution.
   */
  Examples clientData(int clientId, int n, int split) {
    double[] labelWeights = labelDistribution(clientId);
    return generate(new SplittableRandom(mix(mix(seed, clientId), split + 1)), n, labelWeights,
        writerStyle(clientId));
  }

  double[] labelDistribution(int clientId) {
    SplittableRandom random = new SplittableRandom(mix(mix(seed, clientId), 0x5eed));
    return switch (partitioning.typeOrDefault()) {
      case IID, LINEAR, SQUARE, EXPONENTIAL, SIZE, NATURAL_ID -> uniformLabels();
      case DIRICHLET, INNER_DIRICHLET -> dirichlet(random, partitioning.alphaOrDefault());
      case SHARD -> shards(random, Math.min(partitioning.shardsPerClientOrDefault(), classes));
      case PATHOLOGICAL -> pathological(clientId, random);
    };
  }

  /**
   * Exactly classesPerClient labels, picked as flwr-datasets' PathologicalPartitioner does for
   * partition {@code clientId} (from a per-client seed, so no client needs the others').
   */
  private double[] pathological(int clientId, SplittableRandom random) {
    int k = Math.min(partitioning.classesPerClient == null ? 2 : partitioning.classesPerClient,
        classes);
    double[] w = new double[classes];
    switch (partitioning.classAssignmentOrDefault()) {
      case RANDOM -> {
        return shards(random, k);
      }
      case DETERMINISTIC -> {
        for (int j = 0; j < k; j++) {
          w[(clientId + j) % classes] = 1.0 / k;
        }
      }
      case FIRST_DETERMINISTIC -> {
        int first = clientId % classes;
        w[first] = 1.0 / k;
        int[] others = new int[classes - 1];
        for (int c = 0, i = 0; c < classes; c++) {
          if (c != first) {
            others[i++] = c;
          }
        }
        for (int j = 0; j < k - 1; j++) {
          int pick = j + random.nextInt(others.length - j);
          int t = others[j];
          others[j] = others[pick];
          others[pick] = t;
          w[others[j]] = 1.0 / k;
        }
      }
    }
    return w;
  }

  /**
   * natural-id: the data's id column is the writer, one per client, and a writer's examples
   * share a style, a shift of every feature drawn from (seed, writer) with norm {@code noise}
   * (feature skew as in FEMNIST); without natural-id there is none.
   */
  float[] writerStyle(int writer) {
    float[] style = new float[dimensions];
    if (partitioning.typeOrDefault() != io.flowersim.api.v1alpha1.spec.PartitioningType.NATURAL_ID
        || noise == 0) {
      return style;
    }
    return randomDirection(new SplittableRandom(mix(mix(seed, writer), 0x57171e)), dimensions,
        noise);
  }

  /** A vector of {@code length} in a direction uniform on the sphere (normalized Gaussians). */
  private static float[] randomDirection(SplittableRandom random, int dimensions, double length) {
    double norm = 0;
    double[] v = new double[dimensions];
    for (int d = 0; d < dimensions; d++) {
      v[d] = RandomVariates.gaussian(random);
      norm += v[d] * v[d];
    }
    norm = Math.sqrt(norm);
    float[] direction = new float[dimensions];
    for (int d = 0; d < dimensions; d++) {
      direction[d] = (float) (length * v[d] / norm);
    }
    return direction;
  }

  /** natural-id: how many training examples writer {@code writer} has, uniform in [n/2, 3n/2]. */
  int writerExamples(int writer, int n) {
    SplittableRandom random = new SplittableRandom(mix(mix(seed, writer), 0x512e));
    return Math.max(1, n / 2 + random.nextInt(n + 1));
  }

  private double[] uniformLabels() {
    double[] w = new double[classes];
    java.util.Arrays.fill(w, 1.0 / classes);
    return w;
  }

  private double[] dirichlet(SplittableRandom random, double alpha) {
    double[] w = new double[classes];
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      w[c] = RandomVariates.gamma(random, alpha);
      sum += w[c];
    }
    for (int c = 0; c < classes; c++) {
      w[c] = sum > 0 ? w[c] / sum : 1.0 / classes;
    }
    return w;
  }

  private double[] shards(SplittableRandom random, int k) {
    int[] order = new int[classes];
    for (int c = 0; c < classes; c++) {
      order[c] = c;
    }
    for (int i = classes - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    double[] w = new double[classes];
    for (int i = 0; i < k; i++) {
      w[order[i]] = 1.0 / k;
    }
    return w;
  }

  private Examples generate(SplittableRandom random, int n, double[] labelWeights,
      float[] style) {
    float[] x = new float[n * dimensions];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      int label = draw(random, labelWeights);
      y[i] = label;
      for (int d = 0; d < dimensions; d++) {
        x[i * dimensions + d] = (float) (means[label][d] + style[d]
            + noise * RandomVariates.gaussian(random));
      }
    }
    return new Examples(x, y, dimensions);
  }

  private static int draw(SplittableRandom random, double[] weights) {
    double u = random.nextDouble();
    double cumulative = 0;
    for (int c = 0; c < weights.length; c++) {
      cumulative += weights[c];
      if (u < cumulative) {
        return c;
      }
    }
    for (int c = weights.length - 1; c >= 0; c--) {
      if (weights[c] > 0) {
        return c;
      }
    }
    return weights.length - 1;
  }

  static long mix(long a, long b) {
    long z = a * 0x9E3779B97F4A7C15L + b;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

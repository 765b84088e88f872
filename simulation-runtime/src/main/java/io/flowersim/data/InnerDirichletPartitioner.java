package io.flowersim.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * flwr-datasets' InnerDirichletPartitioner: partition p gets exactly {@code sizes[p]} examples,
 * their labels following its own class prior drawn from Dir(alpha). One example at a time: a
 * partition with room left is drawn uniformly, a label from its prior, and the label's next
 * unassigned example goes to it; a label with none left gets prior 0 in every partition (the
 * priors renormalized). The sizes may sum to less than the data (the rest is left out), not more.
 * Each partition is then shuffled. Seeded.
 */
public final class InnerDirichletPartitioner implements Partitioner {

  private final int[] sizes;
  private final double alpha;
  private final long seed;

  public InnerDirichletPartitioner(int[] sizes, double alpha, long seed) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("spec.clients.partitioning.alpha: must be > 0, got "
          + alpha);
    }
    this.sizes = sizes.clone();
    this.alpha = alpha;
    this.seed = seed;
  }

  @Override
  public String name() {
    return "inner-dirichlet";
  }

  @Override
  public int[][] partition(int[] labels, int numClasses, int numPartitions) {
    Shuffle.checkPartitions(numPartitions, labels.length);
    PartitionSizes.check(sizes, numPartitions, labels.length);
    SplittableRandom random = new SplittableRandom(seed);
    double[][] priors = new double[numPartitions][numClasses];
    for (int p = 0; p < numPartitions; p++) {
      double sum = 0;
      for (int c = 0; c < numClasses; c++) {
        priors[p][c] = RandomVariates.gamma(random, alpha);
        sum += priors[p][c];
      }
      for (int c = 0; c < numClasses; c++) {
        priors[p][c] = sum > 0 ? priors[p][c] / sum : 1.0 / numClasses;
      }
    }
    int[][] byLabel = Shuffle.byLabel(labels, numClasses);
    int[] left = new int[numClasses];
    for (int c = 0; c < numClasses; c++) {
      left[c] = byLabel[c].length;
      if (left[c] == 0) {
        exhaust(priors, c, left);
      }
    }
    int[][] out = new int[numPartitions][];
    int[] room = sizes.clone();
    int[] open = new int[numPartitions];
    int openCount = 0;
    for (int p = 0; p < numPartitions; p++) {
      out[p] = new int[sizes[p]];
      if (sizes[p] > 0) {
        open[openCount++] = p;
      }
    }
    while (openCount > 0) {
      int slot = random.nextInt(openCount);
      int p = open[slot];
      int c = draw(priors[p], random);
      left[c]--;
      room[p]--;
      out[p][room[p]] = byLabel[c][left[c]];
      if (left[c] == 0) {
        exhaust(priors, c, left);
      }
      if (room[p] == 0) {
        open[slot] = open[--openCount];
      }
    }
    for (int[] part : out) {
      Shuffle.shuffle(part, random);
    }
    return out;
  }

  /**
   * Label {@code c} has no examples left: prior 0 everywhere, each row renormalized. A row left
   * with no weight (its prior's labels all used up; a tiny alpha's Gamma draws can be 0) spreads
   * evenly over the labels still left, where flwr-datasets would divide by zero.
   */
  private static void exhaust(double[][] priors, int c, int[] left) {
    for (double[] row : priors) {
      row[c] = 0;
      double sum = Arrays.stream(row).sum();
      if (sum > 0) {
        for (int i = 0; i < row.length; i++) {
          row[i] /= sum;
        }
      } else {
        long remaining = Arrays.stream(left).filter(n -> n > 0).count();
        for (int i = 0; i < row.length; i++) {
          row[i] = left[i] > 0 ? 1.0 / remaining : 0;
        }
      }
    }
  }

  private static int draw(double[] weights, SplittableRandom random) {
    double u = random.nextDouble();
    double cumulative = 0;
    int last = -1;
    for (int c = 0; c < weights.length; c++) {
      if (weights[c] > 0) {
        cumulative += weights[c];
        last = c;
        if (u < cumulative) {
          return c;
        }
      }
    }
    if (last < 0) {
      // only when every label is used up, which the size check rules out
      throw new IllegalStateException("no label has examples left");
    }
    return last;
  }
}

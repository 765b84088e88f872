package io.flowersim.data;

import java.util.SplittableRandom;

/**
 * Label skew by a Dirichlet distribution, as flwr-datasets' DirichletPartitioner: for each label,
 * its examples are split among the partitions in proportions drawn from Dir(alpha). When the
 * smallest partition ends up under {@code minPartitionSize}, the whole draw is retried (at most
 * {@link #MAX_ATTEMPTS} times, then it fails and names alpha). Smaller alpha, more skew.
 */
public final class DirichletPartitioner implements Partitioner {

  public static final int MAX_ATTEMPTS = 10;

  private final double alpha;
  private final long seed;
  private final int minPartitionSize;

  public DirichletPartitioner(double alpha, long seed, int minPartitionSize) {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("spec.clients.partitioning.alpha: must be > 0, got "
          + alpha);
    }
    if (minPartitionSize < 0) {
      throw new IllegalArgumentException("minPartitionSize: must be >= 0, got " + minPartitionSize);
    }
    this.alpha = alpha;
    this.seed = seed;
    this.minPartitionSize = minPartitionSize;
  }

  @Override
  public String name() {
    return "dirichlet";
  }

  @Override
  public int[][] partition(int[] labels, int numClasses, int numPartitions) {
    Shuffle.checkPartitions(numPartitions, labels.length);
    if ((long) numPartitions * minPartitionSize > labels.length) {
      throw new IllegalArgumentException("spec.clients.count: " + numPartitions + " partitions of "
          + "at least " + minPartitionSize + " examples need " + (long) numPartitions
          * minPartitionSize + " examples, the dataset has " + labels.length);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[][] byLabel = Shuffle.byLabel(labels, numClasses);
    int smallest = 0;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      int[][] parts = draw(byLabel, numPartitions, random);
      smallest = Integer.MAX_VALUE;
      for (int[] p : parts) {
        smallest = Math.min(smallest, p.length);
      }
      if (smallest >= minPartitionSize) {
        for (int[] p : parts) {
          Shuffle.shuffle(p, random);
        }
        return parts;
      }
    }
    throw new IllegalArgumentException("spec.clients.partitioning.alpha: after " + MAX_ATTEMPTS
        + " attempts with alpha " + alpha + " some partition still held fewer than "
        + minPartitionSize + " examples (last smallest: " + smallest + "); raise alpha or lower "
        + "the client count or the minimum partition size");
  }

  private int[][] draw(int[][] byLabel, int numPartitions, SplittableRandom random) {
    int[] sizes = new int[numPartitions];
    int[][] cuts = new int[byLabel.length][];
    int[][] shuffled = new int[byLabel.length][];
    for (int c = 0; c < byLabel.length; c++) {
      int[] idx = byLabel[c].clone();
      Shuffle.shuffle(idx, random);
      shuffled[c] = idx;
      double[] w = new double[numPartitions];
      double sum = 0;
      for (int p = 0; p < numPartitions; p++) {
        w[p] = RandomVariates.gamma(random, alpha);
        sum += w[p];
      }
      // cumulative proportions times the class size, truncated, as numpy.split of flwr-datasets
      int[] cut = new int[numPartitions + 1];
      double cumulative = 0;
      for (int p = 0; p < numPartitions; p++) {
        cumulative += sum > 0 ? w[p] / sum : 1.0 / numPartitions;
        cut[p + 1] = p == numPartitions - 1 ? idx.length
            : Math.min(idx.length, (int) (cumulative * idx.length));
        cut[p + 1] = Math.max(cut[p + 1], cut[p]);
        sizes[p] += cut[p + 1] - cut[p];
      }
      cuts[c] = cut;
    }
    int[][] parts = new int[numPartitions][];
    int[] fill = new int[numPartitions];
    for (int p = 0; p < numPartitions; p++) {
      parts[p] = new int[sizes[p]];
    }
    for (int c = 0; c < byLabel.length; c++) {
      for (int p = 0; p < numPartitions; p++) {
        int len = cuts[c][p + 1] - cuts[c][p];
        System.arraycopy(shuffled[c], cuts[c][p], parts[p], fill[p], len);
        fill[p] += len;
      }
    }
    return parts;
  }
}

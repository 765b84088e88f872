package io.flowersim.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Uniform split: shuffle all examples with the seed, then cut into near-equal partitions. */
public final class IidPartitioner implements Partitioner {

  private final long seed;

  public IidPartitioner(long seed) {
    this.seed = seed;
  }

  @Override
  public String name() {
    return "iid";
  }

  @Override
  public int[][] partition(int[] labels, int numClasses, int numPartitions) {
    Shuffle.checkPartitions(numPartitions, labels.length);
    int[] all = Shuffle.range(labels.length);
    Shuffle.shuffle(all, new SplittableRandom(seed));
    int[][] out = new int[numPartitions][];
    int n = labels.length;
    for (int p = 0; p < numPartitions; p++) {
      // numpy.array_split: the first n % k partitions get one extra example
      int from = (int) ((long) n * p / numPartitions);
      int to = (int) ((long) n * (p + 1) / numPartitions);
      out[p] = Arrays.copyOfRange(all, from, to);
    }
    return out;
  }
}

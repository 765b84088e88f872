package io.flowersim.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * flwr-datasets' SizePartitioner and its IdToSizeFncPartitioner family (Linear, Square,
 * Exponential): given partition sizes, partition p gets the next {@code sizes[p]} examples in
 * order. The order is the data's after a seeded shuffle, as flwr-datasets' FederatedDataset
 * shuffles the data (shuffle=True, seed) before it partitions; examples the sizes leave over
 * (given sizes summing to less than the data) belong to no partition.
 */
public final class SizePartitioner implements Partitioner {

  private final String name;
  private final SizeRule sizes;
  private final long seed;

  /** How the sizes follow from the partition count and the data's size. */
  @FunctionalInterface
  public interface SizeRule {
    int[] sizes(int numPartitions, int numExamples);
  }

  public SizePartitioner(String name, SizeRule sizes, long seed) {
    this.name = name;
    this.sizes = sizes;
    this.seed = seed;
  }

  /** The given sizes, one per partition. */
  public static SizePartitioner given(int[] partitionSizes, long seed) {
    int[] copy = partitionSizes.clone();
    return new SizePartitioner("size", (n, examples) -> {
      PartitionSizes.check(copy, n, examples);
      return copy;
    }, seed);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int[][] partition(int[] labels, int numClasses, int numPartitions) {
    Shuffle.checkPartitions(numPartitions, labels.length);
    int[] s = sizes.sizes(numPartitions, labels.length);
    int[] order = Shuffle.range(labels.length);
    Shuffle.shuffle(order, new SplittableRandom(seed));
    int[][] out = new int[numPartitions][];
    int from = 0;
    for (int p = 0; p < numPartitions; p++) {
      out[p] = Arrays.copyOfRange(order, from, from + s[p]);
      from += s[p];
    }
    return out;
  }
}

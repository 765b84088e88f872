package io.flowersim.data;

import io.flowersim.api.v1alpha1.spec.PartitioningType;

/**
 * Partition sizes growing by a rule of the partition's number, as flwr-datasets'
 * IdToSizeFncPartitioner: partition i (1-based) gets units f(i) (linear i, square i^2,
 * exponential e^i), the units are scaled to the data's size and floored, and what the flooring
 * leaves goes to the last, largest partition.
 */
public final class PartitionSizes {

  private PartitionSizes() {}

  /** The sizes {@code type} (linear, square or exponential) gives {@code n} partitions of {@code total} examples. */
  public static int[] byRule(PartitioningType type, int n, long total) {
    double[] units = new double[n];
    for (int i = 1; i <= n; i++) {
      units[i - 1] = switch (type) {
        case LINEAR -> i;
        case SQUARE -> (double) i * i;
        // e^i / sum e^j = e^(i - n) / sum e^(j - n): the same shares without overflow
        case EXPONENTIAL -> Math.exp(i - n);
        default -> throw new IllegalArgumentException(type + " gives no size rule");
      };
    }
    double sum = 0;
    for (double u : units) {
      sum += u;
    }
    int[] sizes = new int[n];
    long assigned = 0;
    for (int i = 0; i < n; i++) {
      sizes[i] = (int) (units[i] / sum * total);
      assigned += sizes[i];
    }
    sizes[n - 1] += (int) (total - assigned);
    for (int i = 0; i < n; i++) {
      if (sizes[i] < 1) {
        throw new IllegalArgumentException("spec.clients.count: " + type.toString().toLowerCase()
            + " sizes of " + n + " partitions of " + total + " examples leave partition " + i
            + " empty; lower the client count");
      }
    }
    return sizes;
  }

  /** Given sizes: one per partition, together at most the data's size. */
  static void check(int[] sizes, int numPartitions, int numExamples) {
    if (sizes.length != numPartitions) {
      throw new IllegalArgumentException("spec.clients.partitioning.partitionSizes: "
          + sizes.length + " sizes for " + numPartitions + " clients (spec.clients.count)");
    }
    long sum = 0;
    for (int s : sizes) {
      if (s < 0) {
        throw new IllegalArgumentException("spec.clients.partitioning.partitionSizes: sizes must "
            + "be >= 0, got " + s);
      }
      sum += s;
    }
    if (sum > numExamples) {
      throw new IllegalArgumentException("spec.clients.partitioning.partitionSizes: they add up "
          + "to " + sum + " examples, the data has " + numExamples);
    }
  }
}

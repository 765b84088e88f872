package io.flowersim.data;

import java.util.SplittableRandom;

/** Seeded index shuffles and label groupings, shared by the partitioners and the training loops. */
public final class Shuffle {

  private Shuffle() {}

  /** Fisher-Yates, in place. */
  public static void shuffle(int[] a, SplittableRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  static int[] range(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  /** Indices of each label, in ascending index order. */
  static int[][] byLabel(int[] labels, int numClasses) {
    int[] counts = new int[numClasses];
    for (int y : labels) {
      if (y < 0 || y >= numClasses) {
        throw new IllegalArgumentException("label " + y + " is outside [0, " + numClasses + ")");
      }
      counts[y]++;
    }
    int[][] out = new int[numClasses][];
    for (int c = 0; c < numClasses; c++) {
      out[c] = new int[counts[c]];
    }
    int[] fill = new int[numClasses];
    for (int i = 0; i < labels.length; i++) {
      out[labels[i]][fill[labels[i]]++] = i;
    }
    return out;
  }

  static void checkPartitions(int numPartitions, int numExamples) {
    if (numPartitions < 1) {
      throw new IllegalArgumentException("spec.clients.count: need at least 1 partition, got "
          + numPartitions);
    }
    if (numPartitions > numExamples) {
      throw new IllegalArgumentException("spec.clients.count: " + numPartitions
          + " partitions but the dataset has only " + numExamples + " examples");
    }
  }
}

package io.flowersim.data;

import io.flowersim.api.v1alpha1.spec.ClassAssignment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * flwr-datasets' PathologicalPartitioner: every partition holds exactly
 * {@code classesPerPartition} of the labels the data has, chosen per partition by the
 * {@link ClassAssignment} mode (random: k distinct at random; deterministic: labels p, p+1, ...
 * modulo the labels; first-deterministic: label p modulo the labels, the rest at random, McMahan
 * et al.'s setup). Each label's examples, in dataset order, are split as evenly as possible
 * (numpy.array_split) among the partitions that hold it, in partition order; a label no
 * partition drew is left out, as in flwr-datasets. Each partition is then shuffled. Seeded.
 */
public final class PathologicalPartitioner implements Partitioner {

  private final int classesPerPartition;
  private final ClassAssignment assignment;
  private final long seed;

  public PathologicalPartitioner(int classesPerPartition, ClassAssignment assignment, long seed) {
    if (classesPerPartition < 1) {
      throw new IllegalArgumentException("spec.clients.partitioning.classesPerClient: must be "
          + ">= 1, got " + classesPerPartition);
    }
    this.classesPerPartition = classesPerPartition;
    this.assignment = assignment;
    this.seed = seed;
  }

  @Override
  public String name() {
    return "pathological";
  }

  /** The labels of each partition, as the mode assigns them from the present labels. */
  static int[][] assignLabels(int[] present, int numPartitions, int k, ClassAssignment mode,
      SplittableRandom random) {
    int labels = present.length;
    int[][] out = new int[numPartitions][];
    for (int p = 0; p < numPartitions; p++) {
      int[] chosen = new int[k];
      switch (mode) {
        case DETERMINISTIC -> {
          for (int i = 0; i < k; i++) {
            chosen[i] = present[(p + i) % labels];
          }
        }
        case FIRST_DETERMINISTIC -> {
          chosen[0] = present[p % labels];
          int[] rest = drawDistinct(present, k, random, chosen[0]);
          System.arraycopy(rest, 0, chosen, 1, k - 1);
        }
        case RANDOM -> chosen = drawDistinct(present, k, random, Integer.MIN_VALUE);
      }
      out[p] = chosen;
    }
    return out;
  }

  /** {@code count} distinct labels of {@code present} at random, {@code first} (if a label) first excluded and not counted. */
  private static int[] drawDistinct(int[] present, int k, SplittableRandom random, int excluded) {
    int[] pool = Arrays.stream(present).filter(c -> c != excluded).toArray();
    int want = excluded == Integer.MIN_VALUE ? k : k - 1;
    for (int i = 0; i < want; i++) {
      int j = i + random.nextInt(pool.length - i);
      int t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return Arrays.copyOf(pool, want);
  }

  @Override
  public int[][] partition(int[] labels, int numClasses, int numPartitions) {
    Shuffle.checkPartitions(numPartitions, labels.length);
    int[][] byLabel = Shuffle.byLabel(labels, numClasses);
    int[] present = java.util.stream.IntStream.range(0, numClasses)
        .filter(c -> byLabel[c].length > 0).toArray();
    if (classesPerPartition > present.length) {
      throw new IllegalArgumentException("spec.clients.partitioning.classesPerClient: "
          + classesPerPartition + " labels per client, but the data has only " + present.length);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[][] partitionLabels = assignLabels(present, numPartitions, classesPerPartition,
        assignment, random);
    List<List<Integer>> holders = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      holders.add(new ArrayList<>());
    }
    for (int p = 0; p < numPartitions; p++) {
      for (int c : partitionLabels[p]) {
        holders.get(c).add(p);
      }
    }
    List<List<int[]>> pieces = new ArrayList<>();
    for (int p = 0; p < numPartitions; p++) {
      pieces.add(new ArrayList<>());
    }
    for (int c = 0; c < numClasses; c++) {
      List<Integer> h = holders.get(c);
      if (h.isEmpty()) {
        continue;
      }
      int[] idx = byLabel[c];
      if (idx.length < h.size()) {
        throw new IllegalArgumentException("spec.clients.partitioning.classesPerClient: label " + c
            + " has " + idx.length + " examples but " + h.size() + " clients must each get some "
            + "of it; lower classesPerClient or the client count, or use classAssignment "
            + "deterministic");
      }
      for (int s = 0; s < h.size(); s++) {
        pieces.get(h.get(s)).add(Arrays.copyOfRange(idx, arraySplitStart(idx.length, h.size(), s),
            arraySplitStart(idx.length, h.size(), s + 1)));
      }
    }
    int[][] out = new int[numPartitions][];
    for (int p = 0; p < numPartitions; p++) {
      out[p] = pieces.get(p).stream().flatMapToInt(Arrays::stream).toArray();
      Shuffle.shuffle(out[p], random);
    }
    return out;
  }

  /** numpy.array_split's start of piece {@code s} of {@code n} items in {@code parts}. */
  static int arraySplitStart(int n, int parts, int s) {
    int base = n / parts;
    int extra = n % parts;
    return s * base + Math.min(s, extra);
  }
}

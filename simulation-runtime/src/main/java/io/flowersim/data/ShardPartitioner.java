package io.flowersim.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The shard split of McMahan et al. ({@code type: shard}; flwr-datasets' own rules are
 * {@link PathologicalPartitioner}'s): every partition holds exactly {@code labelsPerPartition}
 * distinct labels. Labels are dealt to the
 * partitions round-robin over a seeded permutation, so each label goes to about the same number of
 * partitions; each label's examples, sorted by label and shuffled within it, are then cut into
 * contiguous shards, one per partition that holds the label. Partitions cover every example
 * when {@code numPartitions * k >= labels}; otherwise the labels no partition draws are left out.
 */
public final class ShardPartitioner implements Partitioner {

  private final int labelsPerPartition;
  private final long seed;

  public ShardPartitioner(int labelsPerPartition, long seed) {
    if (labelsPerPartition < 1) {
      throw new IllegalArgumentException("spec.clients.partitioning.shardsPerClient: must be >= 1, "
          + "got " + labelsPerPartition);
    }
    this.labelsPerPartition = labelsPerPartition;
    this.seed = seed;
  }

  @Override
  public String name() {
    return "shard";
  }

  @Override
  public int[][] partition(int[] labels, int numClasses, int numPartitions) {
    Shuffle.checkPartitions(numPartitions, labels.length);
    int[][] byLabel = Shuffle.byLabel(labels, numClasses);
    List<Integer> present = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      if (byLabel[c].length > 0) {
        present.add(c);
      }
    }
    int k = labelsPerPartition;
    if (k > present.size()) {
      throw new IllegalArgumentException("spec.clients.partitioning.shardsPerClient: " + k
          + " labels per client, but the dataset has only " + present.size() + " labels");
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] order = present.stream().mapToInt(Integer::intValue).toArray();
    Shuffle.shuffle(order, random);
    // partition p holds labels order[(p*k + j) % L], j < k: distinct since k <= L
    List<List<Integer>> holders = new ArrayList<>();
    for (int c = 0; c < numClasses; c++) {
      holders.add(new ArrayList<>());
    }
    int[][] partLabels = new int[numPartitions][k];
    for (int p = 0; p < numPartitions; p++) {
      for (int j = 0; j < k; j++) {
        int c = order[(int) (((long) p * k + j) % order.length)];
        partLabels[p][j] = c;
        holders.get(c).add(p);
      }
    }
    List<List<int[]>> pieces = new ArrayList<>();
    for (int p = 0; p < numPartitions; p++) {
      pieces.add(new ArrayList<>());
    }
    for (int c : order) {
      List<Integer> h = holders.get(c);
      int[] idx = byLabel[c].clone();
      Shuffle.shuffle(idx, random);
      if (h.isEmpty()) {
        // clients * k < labels: this label belongs to no partition (as flwr-datasets does);
        // its examples are left out so that "exactly k" holds
        continue;
      }
      if (idx.length < h.size()) {
        throw new IllegalArgumentException("spec.clients.partitioning.shardsPerClient: label " + c
            + " has " + idx.length + " examples but " + h.size() + " clients must each get some "
            + "of it; lower shardsPerClient or the client count");
      }
      for (int s = 0; s < h.size(); s++) {
        int from = (int) ((long) idx.length * s / h.size());
        int to = (int) ((long) idx.length * (s + 1) / h.size());
        int[] shard = new int[to - from];
        System.arraycopy(idx, from, shard, 0, shard.length);
        pieces.get(h.get(s)).add(shard);
      }
    }
    int[][] out = new int[numPartitions][];
    for (int p = 0; p < numPartitions; p++) {
      int n = 0;
      for (int[] s : pieces.get(p)) {
        n += s.length;
      }
      int[] all = new int[n];
      int f = 0;
      for (int[] s : pieces.get(p)) {
        System.arraycopy(s, 0, all, f, s.length);
        f += s.length;
      }
      Shuffle.shuffle(all, random);
      out[p] = all;
    }
    return out;
  }
}

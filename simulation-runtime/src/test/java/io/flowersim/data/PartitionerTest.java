package io.flowersim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.api.v1alpha1.spec.PartitioningType;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PartitionerTest {

  static final int CLASSES = 10;
  static final int[] LABELS = labels(20_000, 7);

  static int[] labels(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(CLASSES);
    }
    return y;
  }

  static void assertDisjointAndCovering(int[][] parts, int n) {
    boolean[] seen = new boolean[n];
    int total = 0;
    for (int[] p : parts) {
      for (int i : p) {
        assertThat(seen[i]).as("index %d in two partitions", i).isFalse();
        seen[i] = true;
        total++;
      }
    }
    assertThat(total).isEqualTo(n);
  }

  static PartitioningSpec spec(PartitioningType type, Double alpha, Integer k, long seed) {
    PartitioningSpec s = new PartitioningSpec();
    s.type = type;
    s.alpha = alpha;
    s.shardsPerClient = k;
    s.seed = seed;
    return s;
  }

  @Test
  void iidIsDisjointCoveringBalancedAndNearUniform() {
    int[][] parts = Partitioner.fromSpec(spec(PartitioningType.IID, null, null, 1))
        .partition(LABELS, CLASSES, 20);
    assertDisjointAndCovering(parts, LABELS.length);
    for (int[] p : parts) {
      assertThat(p.length).isEqualTo(1000);
      int[] h = LabeledDataset.labelHistogram(LABELS, CLASSES, p);
      for (int c : h) {
        assertThat(c).isBetween(60, 140); // expected 100 each
      }
    }
  }

  @Test
  void iidWithUnevenSizes() {
    int[][] parts = new IidPartitioner(3).partition(labels(103, 1), CLASSES, 10);
    assertDisjointAndCovering(parts, 103);
    assertThat(Arrays.stream(parts).mapToInt(p -> p.length).max().getAsInt()
        - Arrays.stream(parts).mapToInt(p -> p.length).min().getAsInt()).isLessThanOrEqualTo(1);
  }

  @Test
  void dirichletAlphaPointOneIsVisiblySkewed() {
    int[][] parts = Partitioner.fromSpec(spec(PartitioningType.DIRICHLET, 0.1, null, 42))
        .partition(LABELS, CLASSES, 20);
    assertDisjointAndCovering(parts, LABELS.length);
    int skewed = 0;
    for (int[] p : parts) {
      assertThat(p.length).isGreaterThanOrEqualTo(Partitioner.DEFAULT_MIN_PARTITION_SIZE);
      int[] h = LabeledDataset.labelHistogram(LABELS, CLASSES, p);
      int max = Arrays.stream(h).max().getAsInt();
      if (max > 0.5 * p.length) {
        skewed++;
      }
    }
    // with alpha 0.1 most clients are dominated by one label; iid would give ~10% each
    assertThat(skewed).isGreaterThanOrEqualTo(10);
  }

  @Test
  void dirichletLargeAlphaIsNearUniform() {
    int[][] parts = new DirichletPartitioner(1000, 5, 10).partition(LABELS, CLASSES, 10);
    assertDisjointAndCovering(parts, LABELS.length);
    for (int[] p : parts) {
      int[] h = LabeledDataset.labelHistogram(LABELS, CLASSES, p);
      for (int c : h) {
        assertThat((double) c / p.length).isBetween(0.05, 0.15);
      }
    }
  }

  @Test
  void dirichletRetriesThenFailsNamingAlpha() {
    assertThatThrownBy(() -> new DirichletPartitioner(0.01, 1, 300).partition(LABELS, CLASSES, 60))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("spec.clients.partitioning.alpha");
    assertThatThrownBy(() -> new DirichletPartitioner(0, 1, 10))
        .hasMessageContaining("spec.clients.partitioning.alpha: must be > 0");
  }

  @Test
  void shardGivesExactlyKLabelsPerClient() {
    for (int k : new int[] {1, 2, 3}) {
      int[][] parts = Partitioner.fromSpec(spec(PartitioningType.SHARD, null, k, 9))
          .partition(LABELS, CLASSES, 50);
      assertDisjointAndCovering(parts, LABELS.length);
      for (int[] p : parts) {
        long labelsHeld = Arrays.stream(LabeledDataset.labelHistogram(LABELS, CLASSES, p))
            .filter(c -> c > 0).count();
        assertThat(labelsHeld).isEqualTo(k);
      }
    }
  }

  @Test
  void shardRefusesMoreLabelsThanExist() {
    assertThatThrownBy(() -> new ShardPartitioner(11, 1).partition(LABELS, CLASSES, 10))
        .hasMessageContaining("spec.clients.partitioning.shardsPerClient");
  }

  @Test
  void sameSeedSamePartitionOtherSeedOther() {
    for (PartitioningType t : PartitioningType.values()) {
      if (t == PartitioningType.NATURAL_ID) {
        continue; // nothing random: the data's ids decide
      }
      // e^i sizes leave the first of 30 partitions empty: 8 of them
      int n = t == PartitioningType.EXPONENTIAL ? 8 : 30;
      int[][] a = Partitioner.fromSpec(sized(spec(t, 0.3, 2, 11), n)).partition(LABELS, CLASSES, n);
      int[][] b = Partitioner.fromSpec(sized(spec(t, 0.3, 2, 11), n)).partition(LABELS, CLASSES, n);
      int[][] c = Partitioner.fromSpec(sized(spec(t, 0.3, 2, 12), n)).partition(LABELS, CLASSES, n);
      assertThat(a).as(t.name()).isDeepEqualTo(b);
      assertThat(Arrays.deepEquals(a, c)).as(t.name()).isFalse();
    }
  }

  /** The fields pathological, size and inner-dirichlet require: 2 labels, n sizes of 10. */
  private static PartitioningSpec sized(PartitioningSpec spec, int n) {
    spec.classesPerClient = 2;
    spec.partitionSizes = java.util.Collections.nCopies(n, 10);
    return spec;
  }

  @Test
  void morePartitionsThanExamplesIsRefused() {
    assertThatThrownBy(() -> new IidPartitioner(1).partition(new int[5], CLASSES, 6))
        .hasMessageContaining("spec.clients.count");
  }
}

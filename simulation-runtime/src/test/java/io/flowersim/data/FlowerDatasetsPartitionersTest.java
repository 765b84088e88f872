package io.flowersim.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowersim.api.v1alpha1.spec.ClassAssignment;
import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.api.v1alpha1.spec.PartitioningType;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The statistics of flwr-datasets' partitioners: what each one promises, on seeded data. */
class FlowerDatasetsPartitionersTest {

  private static final int CLASSES = 10;

  /** 2000 examples with seeded labels, unequal per class. */
  private static int[] labels() {
    SplittableRandom random = new SplittableRandom(3);
    int[] y = new int[2000];
    for (int i = 0; i < y.length; i++) {
      y[i] = Math.min(CLASSES - 1, (int) (Math.pow(random.nextDouble(), 1.3) * CLASSES));
    }
    return y;
  }

  private static Set<Integer> labelsOf(int[] partition, int[] labels) {
    Set<Integer> out = new HashSet<>();
    for (int i : partition) {
      out.add(labels[i]);
    }
    return out;
  }

  /** Disjoint; with {@code covering}, together every example. */
  private static void disjoint(int[][] parts, int n, boolean covering) {
    boolean[] seen = new boolean[n];
    int total = 0;
    for (int[] p : parts) {
      for (int i : p) {
        assertThat(seen[i]).as("example %d in two partitions", i).isFalse();
        seen[i] = true;
        total++;
      }
    }
    if (covering) {
      assertThat(total).isEqualTo(n);
    }
  }

  @Test
  void pathologicalGivesEveryClientExactlyKLabelsInEachMode() {
    int[] labels = labels();
    for (ClassAssignment mode : ClassAssignment.values()) {
      int[][] parts = new PathologicalPartitioner(3, mode, 42).partition(labels, CLASSES, 25);

      disjoint(parts, labels.length, true);
      for (int p = 0; p < parts.length; p++) {
        assertThat(labelsOf(parts[p], labels)).as("%s partition %d", mode, p).hasSize(3);
        if (mode == ClassAssignment.DETERMINISTIC) {
          assertThat(labelsOf(parts[p], labels))
              .containsExactlyInAnyOrder(p % 10, (p + 1) % 10, (p + 2) % 10);
        }
        if (mode == ClassAssignment.FIRST_DETERMINISTIC) {
          assertThat(labelsOf(parts[p], labels)).contains(p % 10);
        }
      }
    }
  }

  @Test
  void pathologicalSplitsEachLabelEvenlyAmongItsHolders() {
    int[] labels = labels();
    int[][] parts = new PathologicalPartitioner(2, ClassAssignment.RANDOM, 7)
        .partition(labels, CLASSES, 30);

    for (int c = 0; c < CLASSES; c++) {
      final int label = c;
      int[] shares = Arrays.stream(parts).mapToInt(p -> (int) Arrays.stream(p)
          .filter(i -> labels[i] == label).count()).filter(n -> n > 0).toArray();
      if (shares.length > 0) {
        assertThat(Arrays.stream(shares).max().getAsInt() - Arrays.stream(shares).min().getAsInt())
            .as("label %d's shares %s", c, Arrays.toString(shares)).isLessThanOrEqualTo(1);
      }
    }
    assertThat(new PathologicalPartitioner(2, ClassAssignment.RANDOM, 7)
        .partition(labels, CLASSES, 30)).isDeepEqualTo(parts);
    assertThat(Arrays.deepEquals(new PathologicalPartitioner(2, ClassAssignment.RANDOM, 8)
        .partition(labels, CLASSES, 30), parts)).isFalse();
    assertThatThrownBy(() -> new PathologicalPartitioner(11, ClassAssignment.RANDOM, 7)
        .partition(labels, CLASSES, 30)).hasMessageContaining("classesPerClient");
  }

  @Test
  void innerDirichletGivesEachClientItsSizeAndSkewsByAlpha() {
    int[] labels = labels();
    int[] sizes = IntStream.rangeClosed(1, 20).map(i -> 5 * i).toArray(); // 1050 of 2000

    int[][] skewed = new InnerDirichletPartitioner(sizes, 0.1, 42).partition(labels, CLASSES, 20);
    int[][] even = new InnerDirichletPartitioner(sizes, 100, 42).partition(labels, CLASSES, 20);

    disjoint(skewed, labels.length, false);
    for (int p = 0; p < 20; p++) {
      assertThat(skewed[p]).hasSize(sizes[p]);
      assertThat(even[p]).hasSize(sizes[p]);
    }
    assertThat(meanTopLabelShare(skewed, labels)).isGreaterThan(0.6);
    assertThat(meanTopLabelShare(even, labels)).isLessThan(0.35);
    assertThatThrownBy(() -> new InnerDirichletPartitioner(new int[] {1500, 600}, 1, 1)
        .partition(labels, CLASSES, 2)).hasMessageContaining("partitionSizes")
        .hasMessageContaining("2100");
  }

  /** The share of each partition's most common label, averaged. */
  private static double meanTopLabelShare(int[][] parts, int[] labels) {
    return Arrays.stream(parts).mapToDouble(p -> {
      int[] h = LabeledDataset.labelHistogram(labels, CLASSES, p);
      return (double) Arrays.stream(h).max().getAsInt() / p.length;
    }).average().orElseThrow();
  }

  @Test
  void linearSizesAreProportionalToOneToN() {
    int[][] parts = partition(PartitioningType.LINEAR, 10);

    // units 1..10 sum to 55: floor(2000 * i / 55), the rest to the last
    int[] expected = {36, 72, 109, 145, 181, 218, 254, 290, 327, 368};
    assertThat(Arrays.stream(parts).mapToInt(p -> p.length).toArray()).containsExactly(expected);
    disjoint(parts, 2000, true);
  }

  @Test
  void squareSizesAreProportionalToISquared() {
    int[][] parts = partition(PartitioningType.SQUARE, 5);

    // units 1, 4, 9, 16, 25 sum to 55
    assertThat(Arrays.stream(parts).mapToInt(p -> p.length).toArray())
        .containsExactly(36, 145, 327, 581, 911);
  }

  @Test
  void exponentialSizesGrowByE() {
    int[][] parts = partition(PartitioningType.EXPONENTIAL, 4);

    // units e, e^2, e^3, e^4: shares 0.0321, 0.0871, 0.2369, 0.6439 of 2000
    assertThat(Arrays.stream(parts).mapToInt(p -> p.length).toArray())
        .containsExactly(64, 174, 473, 1289);
    assertThatThrownBy(() -> partition(PartitioningType.EXPONENTIAL, 20))
        .hasMessageContaining("empty");
  }

  private static int[][] partition(PartitioningType type, int n) {
    PartitioningSpec spec = new PartitioningSpec();
    spec.type = type;
    return Partitioner.fromSpec(spec).partition(labels(), CLASSES, n);
  }

  @Test
  void sizeGivesTheGivenSizesFromASeededOrder() {
    PartitioningSpec spec = new PartitioningSpec();
    spec.type = PartitioningType.SIZE;
    spec.partitionSizes = List.of(10, 20, 30);
    int[][] parts = Partitioner.fromSpec(spec).partition(labels(), CLASSES, 3);

    assertThat(Arrays.stream(parts).mapToInt(p -> p.length).toArray()).containsExactly(10, 20, 30);
    disjoint(parts, 2000, false);
    spec.seed = 43L;
    assertThat(Arrays.deepEquals(Partitioner.fromSpec(spec).partition(labels(), CLASSES, 3), parts))
        .isFalse();
    assertThatThrownBy(() -> Partitioner.fromSpec(spec).partition(labels(), CLASSES, 4))
        .hasMessageContaining("3 sizes for 4 clients");
  }

  @Test
  void naturalIdMakesOnePartitionPerIdInOrderOfAppearance() {
    int[] ids = {5, 5, 3, 9, 3, 5};
    int[] labels = {0, 1, 0, 1, 0, 1};

    int[][] parts = new NaturalIdPartitioner(ids).partition(labels, 2, 3);

    assertThat(parts).isDeepEqualTo(new int[][] {{0, 1, 5}, {2, 4}, {3}});
    assertThatThrownBy(() -> new NaturalIdPartitioner(ids).partition(labels, 2, 4))
        .hasMessageContaining("spec.clients.count").hasMessageContaining("3 ids");
  }
}

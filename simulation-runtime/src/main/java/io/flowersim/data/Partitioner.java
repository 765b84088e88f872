package io.flowersim.data;

import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import java.util.List;

/**
 * Splits a dataset's examples among partitions (one per client), as flwr-datasets' partitioners.
 * The result is computed once per process: partition {@code p} is {@code result[p]}, the indices
 * of its examples. Partitions are disjoint and together cover every example.
 */
public interface Partitioner {

  /** The name used in spec.clients.partitioning.type. */
  String name();

  /**
   * @param labels one label per example, each in {@code [0, numClasses)}
   * @param numClasses how many labels exist
   * @param numPartitions how many partitions (clients)
   */
  int[][] partition(int[] labels, int numClasses, int numPartitions);

  /** Default minimum partition size for dirichlet, as flwr-datasets' DirichletPartitioner. */
  int DEFAULT_MIN_PARTITION_SIZE = 10;

  /** The partitioner that {@code spec} (spec.clients.partitioning) names. */
  static Partitioner fromSpec(PartitioningSpec spec, int minPartitionSize) {
    PartitioningSpec s = spec == null ? new PartitioningSpec() : spec;
    return switch (s.typeOrDefault()) {
      case IID -> new IidPartitioner(s.seedOrDefault());
      case DIRICHLET ->
          new DirichletPartitioner(s.alphaOrDefault(), s.seedOrDefault(), minPartitionSize);
      case SHARD -> new ShardPartitioner(s.shardsPerClientOrDefault(), s.seedOrDefault());
      case PATHOLOGICAL -> new PathologicalPartitioner(required(s.classesPerClient,
          "classesPerClient", s), s.classAssignmentOrDefault(), s.seedOrDefault());
      case INNER_DIRICHLET -> new InnerDirichletPartitioner(s.partitionSizesArray(),
          s.alphaOrDefault(), s.seedOrDefault());
      case LINEAR, SQUARE, EXPONENTIAL -> new SizePartitioner(s.typeOrDefault().toString(),
          (n, examples) -> PartitionSizes.byRule(s.typeOrDefault(), n, examples),
          s.seedOrDefault());
      case SIZE -> SizePartitioner.given(s.partitionSizesArray(), s.seedOrDefault());
      case NATURAL_ID -> throw new IllegalArgumentException("spec.clients.partitioning.type: "
          + "natural-id needs the data's id column; the task builds a NaturalIdPartitioner "
          + "from it, or refuses natural-id");
    };
  }

  /**
   * What {@code spec} asks of a dataset with only {@code labels} labels that it cannot have: more
   * shards per client (shard) or classes per client (pathological) than there are labels; {@code
   * source} names the dataset in the message.
   */
  static List<String> tooFewLabels(PartitioningSpec spec, int labels, String source) {
    String field;
    Integer asked;
    switch (spec.typeOrDefault()) {
      case SHARD -> {
        field = "shardsPerClient";
        asked = spec.shardsPerClientOrDefault();
      }
      case PATHOLOGICAL -> {
        field = "classesPerClient";
        asked = spec.classesPerClient;
      }
      default -> {
        return List.of();
      }
    }
    if (asked == null || asked <= labels) {
      return List.of();
    }
    return List.of("spec.clients.partitioning." + field + ": " + source + " has only " + labels
        + " labels, so at most " + labels + ", got " + asked);
  }

  private static int required(Integer value, String field, PartitioningSpec spec) {
    if (value == null) {
      throw new IllegalArgumentException("spec.clients.partitioning." + field + " is required for "
          + spec.typeOrDefault());
    }
    return value;
  }

  static Partitioner fromSpec(PartitioningSpec spec) {
    return fromSpec(spec, DEFAULT_MIN_PARTITION_SIZE);
  }
}

package io.flowersim.data;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * flwr-datasets' NaturalIdPartitioner: one partition per distinct value of the data's id column
 * (a writer, a speaker, a user), in the order the ids first appear, each holding every example
 * of its id. So the client count must be the number of ids.
 */
public final class NaturalIdPartitioner implements Partitioner {

  private final int[] ids;

  /** @param ids the id column: one id per example */
  public NaturalIdPartitioner(int[] ids) {
    this.ids = ids.clone();
  }

  @Override
  public String name() {
    return "natural-id";
  }

  @Override
  public int[][] partition(int[] labels, int numClasses, int numPartitions) {
    if (ids.length != labels.length) {
      throw new IllegalArgumentException(ids.length + " ids for " + labels.length + " examples");
    }
    Map<Integer, List<Integer>> byId = new LinkedHashMap<>();
    for (int i = 0; i < ids.length; i++) {
      byId.computeIfAbsent(ids[i], k -> new ArrayList<>()).add(i);
    }
    if (byId.size() != numPartitions) {
      throw new IllegalArgumentException("spec.clients.count: natural-id makes one client per id, "
          + "and the data has " + byId.size() + " ids, not " + numPartitions);
    }
    int[][] out = new int[numPartitions][];
    int p = 0;
    for (List<Integer> members : byId.values()) {
      out[p++] = members.stream().mapToInt(Integer::intValue).toArray();
    }
    return out;
  }
}

package io.flowersim.engine.remote;

import io.flowersim.client.ClientOperation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Where and when one client call ran: the node (Ray; "local" for the local worker pool), the
 * worker process, wall-clock times, and how many worker init hooks had run in that process by then.
 */
public record Placement(int round, ClientOperation operation, int clientId, String nodeId,
    long pid, long startMillis, long endMillis, int initHookRuns) {

  /** The most calls that ran at the same moment (end and start at the same ms do not overlap). */
  public static int maxOverlap(Collection<Placement> placements) {
    List<long[]> events = new ArrayList<>();
    for (Placement p : placements) {
      events.add(new long[] {p.startMillis, 1});
      events.add(new long[] {p.endMillis, -1});
    }
    events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    int now = 0;
    int max = 0;
    for (long[] e : events) {
      now += (int) e[1];
      max = Math.max(max, now);
    }
    return max;
  }
}

package io.flowersim.engine.remote;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest client calls of a remote backend (at most 10,000), with where and when each ran: for
 * tests and diagnostics. Bounded, so that a long run does not grow the driver's heap.
 */
final class PlacementLog {

  private static final int MAX = 10_000;

  private final List<Placement> placements = new ArrayList<>();

  synchronized void record(Placement placement) {
    if (placements.size() >= MAX) {
      placements.subList(0, placements.size() - MAX + 1).clear();
    }
    placements.add(placement);
  }

  synchronized List<Placement> snapshot() {
    return List.copyOf(placements);
  }
}

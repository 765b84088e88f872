package io.flowersim.strategy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The population of virtual clients, ids 0 to count - 1. It holds no object per client: sampling
 * draws ids (Floyd's algorithm), so a million dormant clients cost nothing. Sampling is seeded and
 * advances one random sequence, so the same seed samples the same clients in every run; a
 * checkpoint keeps the sequence's {@link #position()}, so a resumed run samples the same clients.
 */
public final class ClientManager {

  private final int count;
  private ResumableRandom random;

  public ClientManager(int count, long seed) {
    if (count < 1) {
      throw new IllegalArgumentException("client count must be >= 1, got " + count);
    }
    this.count = count;
    this.random = ResumableRandom.seeded(seed);
  }

  /** Where the sampling sequence stands, for a checkpoint. */
  public synchronized long position() {
    return random.position();
  }

  /** Continues the sampling sequence from a checkpoint's {@link #position()}. */
  public synchronized void resumeAt(long position) {
    random = ResumableRandom.at(position);
  }

  public int numAvailable() {
    return count;
  }

  /**
   * {@code numClients} distinct client ids in random order; as in Flower, nothing when fewer than
   * {@code minNumClients} are available or more are asked for than exist.
   */
  public synchronized List<Integer> sample(int numClients, int minNumClients) {
    if (count < minNumClients || numClients > count || numClients < 1) {
      return List.of();
    }
    // Floyd: numClients draws, no array of size count.
    // Sized for numClients without rehashing; 2 * numClients overflows an int above 2^30.
    Set<Integer> chosen = new HashSet<>((int) Math.min(1 << 30, 2L * numClients));
    List<Integer> order = new ArrayList<>(numClients);
    for (int j = count - numClients; j < count; j++) {
      int t = random.nextInt(j + 1);
      int pick = chosen.contains(t) ? j : t;
      chosen.add(pick);
      order.add(pick);
    }
    // Floyd picks a uniform set but not a uniform order (high ids come last); clients start in
    // this order, so shuffle to give no id a better chance of finishing before the round timeout.
    for (int i = order.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      order.set(i, order.set(j, order.get(i)));
    }
    return order;
  }
}

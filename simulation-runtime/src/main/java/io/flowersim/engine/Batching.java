package io.flowersim.engine;

import io.flowersim.client.ClientInstruction;
import java.util.ArrayList;
import java.util.List;

/**
 * How a transport wants a round's clients cut into {@link Batch}es, and whether its workers sum
 * the updates of the FedAvg family where they ran.
 *
 * <p>Each batch costs one message to a worker and back, and its clients share its fate: a batch
 * that outlives the round timeout fails all of them. Where a message costs next to nothing (a
 * thread of this JVM), each client is a batch of its own and a free worker takes the next at once;
 * where it costs a process hop, each worker gets equal shares and sends back one model per share.
 *
 * @param batchesPerWorker at most this many batches per worker and round
 * @param sumsUpdates workers sum the updates when the strategy needs only their mean; pointless
 *     where updates do not cross a process boundary, where the per-update mean is kept instead
 */
public record Batching(int batchesPerWorker, boolean sumsUpdates) {

  /** One client per batch, no sums: clients queue for free workers one by one. */
  public static final Batching EACH_CLIENT_ALONE = new Batching(Integer.MAX_VALUE, false);

  public Batching {
    if (batchesPerWorker < 1) {
      throw new IllegalArgumentException("batchesPerWorker must be >= 1, got " + batchesPerWorker);
    }
  }

  /** {@code batchesPerWorker} equal shares per worker, each summing its updates. */
  public static Batching sharesPerWorker(int batchesPerWorker) {
    return new Batching(batchesPerWorker, true);
  }

  /**
   * The round's clients in at most {@code batchesPerWorker} batches per worker: consecutive runs of
   * {@code clients}, sizes differing by at most one, none empty. The cut depends only on the
   * numbers, so a seeded run sums in the same order every time.
   */
  public List<List<ClientInstruction>> split(List<ClientInstruction> clients, int workers) {
    int n = clients.size();
    int count = (int) Math.min(n, Math.max(1, (long) workers * batchesPerWorker));
    List<List<ClientInstruction>> batches = new ArrayList<>(count);
    int from = 0;
    for (int b = 0; b < count; b++) {
      int size = n / count + (b < n % count ? 1 : 0);
      batches.add(clients.subList(from, from + size));
      from += size;
    }
    return batches;
  }
}

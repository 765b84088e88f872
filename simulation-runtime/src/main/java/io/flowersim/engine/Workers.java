package io.flowersim.engine;

import io.flowersim.client.Parameters;
import java.time.Duration;
import java.util.Optional;

/**
 * A transport of the {@link ClientScheduler}: a fixed number of workers that each run one {@link
 * Batch} at a time (a thread of this JVM, a worker JVM, a Ray actor). Like a backend of Flower's
 * Virtual Client Engine it only processes batches, says how many workers it has, replaces one and
 * terminates; queueing, deadlines, failures and sums are the scheduler's.
 *
 * <p>{@link #process} is called on the scheduler's thread for that worker, one batch at a time per
 * worker and concurrently for different workers; {@link #replace} may come from another thread
 * while an abandoned call on the old worker is still blocked, which must then fail or be ignored.
 *
 * @param <M> the round's model as this transport ships it (encoded once per round and phase)
 */
public interface Workers<M> extends AutoCloseable {

  /** One line for the user: backend, resources, workers. */
  String description();

  /** How many batches run at once. */
  int size();

  Batching batching();

  /** The round's model, made ready to ship once per phase, before any batch of it. */
  M ship(Parameters model);

  /**
   * Runs {@code batch} on {@code worker} and blocks until it answers. A client that throws is a
   * failure in the result, not an exception.
   *
   * @throws WorkerLostException the worker gave no answer; it will be replaced
   */
  <R> BatchResult<R> process(int worker, Batch<R> batch, M model) throws WorkerLostException;

  /** The clients' state between their calls, which this transport keeps for all its workers. */
  ClientStateStore clientStates();

  /**
   * The initial global model from one client, for transports whose clients bring the model (a
   * Flower App's: Flower's rule when the strategy has none); empty where the task makes it.
   */
  default Optional<Parameters> initialParameters(int clientId, Duration timeout) {
    return Optional.empty();
  }

  /** Kills {@code worker} if it still runs (late or lost) and puts a fresh one in its place. */
  void replace(int worker);

  @Override
  void close();
}

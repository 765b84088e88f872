package io.flowersim.checkpoint;

import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.client.Parameters;
import io.flowersim.engine.ClientStateStore;
import io.flowersim.server.History;
import io.flowersim.server.ServerListener;
import io.flowersim.strategy.ClientManager;
import io.flowersim.strategy.Strategy;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a checkpoint after every {@code everyRounds}-th completed round, and after the last, while
 * no client runs: the server calls {@link #roundCompleted} between rounds. A checkpoint that cannot
 * be written fails the run: it was asked to be resumable.
 */
public final class Checkpointer implements ServerListener {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

  private final CheckpointStore store;
  private final String specJson;
  private final int rounds;
  private final int everyRounds;
  private final Strategy strategy;
  private final ClientManager clients;
  private final ClientStateStore states;
  private volatile CheckpointStore.Written last;

  public Checkpointer(CheckpointStore store, FlowerSimulationSpec spec, int everyRounds,
      Strategy strategy, ClientManager clients, ClientStateStore states) {
    if (everyRounds < 1) {
      throw new IllegalArgumentException("everyRounds must be >= 1, got " + everyRounds);
    }
    this.store = store;
    this.specJson = SpecDifferences.json(spec);
    this.rounds = spec.rounds;
    this.everyRounds = everyRounds;
    this.strategy = strategy;
    this.clients = clients;
    this.states = states;
  }

  @Override
  public void roundCompleted(int round, Parameters parameters, History history) {
    if (round % everyRounds != 0 && round != rounds) {
      return;
    }
    Checkpoint checkpoint = new Checkpoint(round, specJson, history, parameters,
        clients.position(), strategy.saveState(), states.snapshot());
    try {
      last = store.write(checkpoint);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint after round " + round + ": cannot write "
          + store.directory() + ": " + e.getMessage(), e);
    } catch (StateValues.UnsupportedValueException e) {
      throw new IllegalStateException("checkpoint after round " + round + ": " + e.getMessage(),
          e);
    }
    LOG.debug("checkpoint after round {}: {} bytes in {} s", round, last.bytes(), last.seconds());
  }

  /** The newest checkpoint this run wrote, with its size and time; null before the first. */
  public CheckpointStore.Written last() {
    return last;
  }
}

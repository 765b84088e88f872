package io.flowersim.runtime;

import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.checkpoint.Checkpoint;
import io.flowersim.checkpoint.CheckpointStore;
import io.flowersim.server.History;
import io.flowersim.server.HistoryJson;
import io.flowersim.server.ServerListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulation's directory on its checkpoint claim (spec.checkpoint.persistentVolumeClaim),
 * laid out as flowersim run's --out DIR: {@code checkpoints/} and {@code history.json}, which
 * holds every round (the history ConfigMap keeps only the newest). A run continues after the
 * newest checkpoint there when it was made from the same spec, as {@code flowersim run --resume}
 * would, and begins at round 1 when there is none.
 */
final class CheckpointDirectory implements ServerListener {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointDirectory.class);

  /** As flowersim run's --out DIR has them. */
  static final String CHECKPOINTS = "checkpoints";
  static final String HISTORY_FILE = "history.json";

  private final Path dir;
  private final String claim;
  private final CheckpointStore store;

  /**
   * @param claim the claim's name, for people; null if unknown
   */
  CheckpointDirectory(Path dir, String claim) {
    this.dir = dir;
    this.claim = claim;
    this.store = new CheckpointStore(dir.resolve(CHECKPOINTS));
  }

  CheckpointStore store() {
    return store;
  }

  /** Where it is, for messages: the path, and the claim it is on. */
  String describe() {
    return dir + (claim == null ? "" : " on claim " + claim);
  }

  /**
   * The checkpoint to continue after, empty when there is none that is whole; then what is left
   * (unreadable files) is removed, so that the new run's checkpoints are the newest.
   *
   * @throws CheckpointStore.NotResumableException when the newest was made from another spec
   * @throws IOException when the directory cannot be made or read
   */
  Optional<Checkpoint> resumable(FlowerSimulationSpec spec)
      throws CheckpointStore.NotResumableException, IOException {
    Files.createDirectories(dir);
    Optional<Checkpoint> newest = store.newestOf(spec, LOG::warn);
    if (newest.isEmpty() && !store.files().isEmpty()) {
      LOG.warn("no whole checkpoint in {}: removing the unreadable ones, starting at round 1",
          store.directory());
      store.clear();
    }
    return newest;
  }

  /** history.json after every round; a failed write is a warning, the checkpoint has them all. */
  @Override
  public void roundFinished(RoundRecord record, History history) {
    try {
      HistoryJson.write(history, dir.resolve(HISTORY_FILE));
    } catch (IOException e) {
      LOG.warn("round {}: cannot write {}: {}", record.round, dir.resolve(HISTORY_FILE),
          e.getMessage());
    }
  }
}

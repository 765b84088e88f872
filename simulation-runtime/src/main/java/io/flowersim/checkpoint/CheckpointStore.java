package io.flowersim.checkpoint;

import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of checkpoints, one file per checkpointed round ({@code round-0000000005.ckpt}).
 * A checkpoint is written to a temporary file, forced to disk, and renamed into place, so that a
 * process killed at any moment leaves the newest complete checkpoint, never half of one; only the
 * newest {@value #KEEP} are kept. Reading takes the newest one that is whole, reporting each newer
 * one that is not.
 */
public final class CheckpointStore {

  /** How many checkpoints are kept: the newest and, should it be damaged, the ones before. */
  public static final int KEEP = 3;

  private static final Pattern NAME = Pattern.compile("round-(\\d{10})\\.ckpt");
  private static final String TEMPORARY = ".tmp";

  private final Path dir;

  public CheckpointStore(Path dir) {
    this.dir = dir;
  }

  public Path directory() {
    return dir;
  }

  /** What one write cost. */
  public record Written(Path file, long bytes, double seconds) {}

  /** Writes {@code checkpoint} atomically, then removes all but the newest {@value #KEEP}. */
  public Written write(Checkpoint checkpoint) throws IOException {
    long started = System.nanoTime();
    byte[] bytes = CheckpointCodec.encode(checkpoint);
    Files.createDirectories(dir);
    Path file = dir.resolve(String.format(Locale.ROOT, "round-%010d.ckpt", checkpoint.round()));
    Path tmp = dir.resolve("." + file.getFileName() + TEMPORARY);
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory();
    prune();
    return new Written(file, bytes.length, (System.nanoTime() - started) / 1e9);
  }

  /** The rename itself is durable only once the directory is. */
  private void forceDirectory() {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory; the rename is still atomic there.
    }
  }

  private void prune() throws IOException {
    List<Path> files = files();
    for (int i = KEEP; i < files.size(); i++) {
      Files.deleteIfExists(files.get(i));
    }
    try (Stream<Path> all = Files.list(dir)) {
      for (Path p : all.filter(p -> p.getFileName().toString().endsWith(TEMPORARY)).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** The checkpoint files, newest first. */
  public List<Path> files() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> all = Files.list(dir)) {
      return all.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed())
          .toList();
    }
  }

  /** Removes every checkpoint: a run that starts from round 1 replaces the earlier run's. */
  public void clear() throws IOException {
    for (Path p : files()) {
      Files.deleteIfExists(p);
    }
  }

  /**
   * The newest whole checkpoint; each newer file that is truncated, damaged or of another format
   * is passed to {@code warnings}, and the one before it is tried.
   */
  public Optional<Checkpoint> newest(Consumer<String> warnings) throws IOException {
    for (Path file : files()) {
      try {
        Checkpoint c = CheckpointCodec.decode(Files.readAllBytes(file));
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (m.matches() && Integer.parseInt(m.group(1)) != c.round()) {
          throw new CheckpointCodec.UnreadableCheckpointException("it holds round " + c.round());
        }
        return Optional.of(c);
      } catch (NoSuchFileException e) {
        // Pruned meanwhile by a writer: the newer ones are still listed before it.
      } catch (CheckpointCodec.UnreadableCheckpointException e) {
        warnings.accept("checkpoint " + file + " is unreadable (" + e.getMessage()
            + "); trying the one before");
      }
    }
    return Optional.empty();
  }

  /**
   * The checkpoint a run of {@code spec} continues from: the newest whole one, which must have
   * been made from the same spec (but for a raised {@code rounds}, and {@code suspend}).
   *
   * @throws NotResumableException when there is none, or it was made from another spec
   */
  public Checkpoint resumable(FlowerSimulationSpec spec, Consumer<String> warnings)
      throws NotResumableException, IOException {
    List<String> skipped = new ArrayList<>();
    Optional<Checkpoint> newest = newestOf(spec, w -> {
      skipped.add(w);
      warnings.accept(w);
    });
    if (newest.isEmpty()) {
      throw new NotResumableException(skipped.isEmpty()
          ? "no checkpoint in " + dir + " to resume from"
          : "no readable checkpoint in " + dir + " (" + skipped.size() + " unreadable)");
    }
    return newest.get();
  }

  /**
   * As {@link #resumable}, for a run that begins at round 1 when there is nothing to continue
   * from (in the cluster): empty when no checkpoint is whole.
   *
   * @throws NotResumableException when the newest whole one was made from another spec
   */
  public Optional<Checkpoint> newestOf(FlowerSimulationSpec spec, Consumer<String> warnings)
      throws NotResumableException, IOException {
    Optional<Checkpoint> newest = newest(warnings);
    if (newest.isEmpty()) {
      return newest;
    }
    Checkpoint c = newest.get();
    List<String> differences = SpecDifferences.between(c.specJson(), spec, c.round());
    if (!differences.isEmpty()) {
      throw new NotResumableException("the checkpoint after round " + c.round() + " in " + dir
          + " was made from another spec: " + String.join("; ", differences));
    }
    return newest;
  }

  /** There is no checkpoint a run could continue from; the message says why. */
  public static final class NotResumableException extends Exception {
    NotResumableException(String message) {
      super(message);
    }
  }
}

package io.flowersim.cli;

import io.flowersim.simulation.InvalidSimulationException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * `--out DIR` is checked before the task loads any data or a round runs, without creating
 * anything: a run that cannot write its history would otherwise be lost at its first round.
 */
final class OutDirectory {

  private OutDirectory() {}

  static void check(Path dir) throws InvalidSimulationException {
    Path absolute = dir.toAbsolutePath().normalize();
    if (Files.exists(absolute)) {
      if (!Files.isDirectory(absolute)) {
        throw refused(dir, "exists and is not a directory");
      }
      if (!Files.isWritable(absolute)) {
        throw refused(dir, "the directory is not writable");
      }
      for (String name : List.of("history.json", "history.png")) {
        Path file = absolute.resolve(name);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
          throw refused(dir, name + " there exists and is not a regular file");
        }
        if (Files.exists(file) && !Files.isWritable(file)) {
          throw refused(dir, name + " there is not writable");
        }
      }
      Path checkpoints = absolute.resolve(RunCommand.CHECKPOINTS);
      if (Files.exists(checkpoints) && !Files.isDirectory(checkpoints)) {
        throw refused(dir, RunCommand.CHECKPOINTS + " there exists and is not a directory");
      }
      return;
    }
    Path parent = absolute.getParent();
    while (parent != null && !Files.exists(parent)) {
      parent = parent.getParent();
    }
    if (parent == null) {
      throw refused(dir, "no part of the path exists");
    }
    if (!Files.isDirectory(parent)) {
      throw refused(dir, parent + " is not a directory");
    }
    if (!Files.isWritable(parent)) {
      throw refused(dir, "cannot create it: " + parent + " is not writable");
    }
  }

  private static InvalidSimulationException refused(Path dir, String reason) {
    return new InvalidSimulationException(List.of("--out " + dir + ": " + reason));
  }
}

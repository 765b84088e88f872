package io.flowersim.cli;

import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.server.History;
import io.flowersim.server.HistoryJson;
import io.flowersim.server.ServerListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Rewrites history.json after every round, so a crash or Ctrl-C loses no completed round. */
final class HistoryFileWriter implements ServerListener {

  private final Path file;

  HistoryFileWriter(Path file) {
    this.file = file;
  }

  @Override
  public void roundFinished(RoundRecord record, History history) {
    write(history);
  }

  void write(History history) {
    try {
      HistoryJson.write(history, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}

package io.flowersim.cli;

import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.client.ClientOperation;
import io.flowersim.server.History;
import io.flowersim.server.ServerListener;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows a run as it goes: on a terminal a progress bar over the rounds with the current round's
 * clients, loss and accuracy (and the bar's ETA); elsewhere (CI, pipes, log files) one plain
 * line per round with the same figures and an ETA.
 */
final class ProgressDisplay implements ServerListener, AutoCloseable {

  private final Terminal terminal;
  private final int rounds;
  private final int completed;
  private final long startedNanos = System.nanoTime();
  private ProgressBar bar;
  private ClientOperation operation;
  private int sampled;
  private int done;
  private int failed;
  private String lastFigures = "";

  ProgressDisplay(Terminal terminal, int rounds) {
    this(terminal, rounds, 0);
  }

  /** A run resumed after round {@code completed}: the ETA is from the rounds run since. */
  ProgressDisplay(Terminal terminal, int rounds, int completed) {
    this.terminal = terminal;
    this.rounds = rounds;
    this.completed = completed;
    if (terminal.interactive()) {
      bar = ProgressBar.builder().setTaskName("rounds").setInitialMax(rounds)
          .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(200)
          .setMaxRenderedLength(120).build();
      bar.stepTo(completed);
    }
  }

  @Override
  public synchronized void phaseStarted(int round, ClientOperation operation, int sampled) {
    this.operation = operation;
    this.sampled = sampled;
    this.done = 0;
    this.failed = 0;
    refresh(round);
  }

  @Override
  public synchronized void clientFinished(int round, ClientOperation operation, int clientId,
      boolean succeeded) {
    done++;
    if (!succeeded) {
      failed++;
    }
    refresh(round);
  }

  private void refresh(int round) {
    if (bar != null) {
      bar.setExtraMessage(String.format(Locale.ROOT, " round %d %s %d/%d%s  %s", round,
          operation.label(), done, sampled, failed > 0 ? " (" + failed + " failed)" : "",
          lastFigures));
    }
  }

  @Override
  public synchronized void roundFinished(RoundRecord r, History history) {
    lastFigures = figures(r);
    if (bar != null) {
      bar.stepTo(r.round);
      refresh(r.round);
      return;
    }
    double elapsed = (System.nanoTime() - startedNanos) / 1e9;
    double eta = elapsed / (r.round - completed) * (rounds - r.round);
    terminal.println(String.format(Locale.ROOT,
        "round %d/%d  fit %d ok, %d failed  evaluate %d ok, %d failed  %s  %.1fs  ETA %.0fs",
        r.round, rounds, r.fitClients, r.fitFailures, r.evaluateClients, r.evaluateFailures,
        lastFigures, r.durationSeconds, eta));
  }

  static String figures(RoundRecord r) {
    StringBuilder sb = new StringBuilder();
    Double loss = r.centralizedLoss != null ? r.centralizedLoss : r.distributedLoss;
    if (loss != null) {
      sb.append(String.format(Locale.ROOT, "loss %.4f", loss));
    }
    Double accuracy = r.centralizedMetrics.getOrDefault("accuracy",
        r.distributedMetrics.get("accuracy"));
    if (accuracy != null) {
      sb.append(String.format(Locale.ROOT, "  accuracy %.4f", accuracy));
    }
    return sb.toString();
  }

  @Override
  public synchronized void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}

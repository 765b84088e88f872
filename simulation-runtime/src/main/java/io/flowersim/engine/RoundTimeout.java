package io.flowersim.engine;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** Why a client of a round failed when the round's time (spec.roundTimeoutSeconds) ran out. */
public final class RoundTimeout {

  private RoundTimeout() {}

  /** The client's call was still running. */
  public static TimeoutException stillRunning(Duration timeout) {
    return new TimeoutException("did not finish within the round timeout of "
        + timeout.toSeconds() + "s (spec.roundTimeoutSeconds)");
  }

  /** The client's call was still queued. */
  public static TimeoutException notStarted(Duration timeout) {
    return new TimeoutException("not started within the round timeout of "
        + timeout.toSeconds() + "s");
  }
}

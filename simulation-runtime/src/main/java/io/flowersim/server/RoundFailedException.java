package io.flowersim.server;

import io.flowersim.client.ClientFailure;
import java.util.List;

/** A round could not be completed; the history up to the previous round is intact. */
public class RoundFailedException extends RuntimeException {

  private final int round;
  private final List<ClientFailure> failures;

  public RoundFailedException(int round, String message, List<ClientFailure> failures) {
    super(message);
    this.round = round;
    this.failures = List.copyOf(failures);
  }

  public int round() {
    return round;
  }

  public List<ClientFailure> failures() {
    return failures;
  }
}

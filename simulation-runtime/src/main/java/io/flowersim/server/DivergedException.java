package io.flowersim.server;

import java.util.List;

/**
 * A round's loss was NaN or infinite and spec.onDivergence is Stop: the model diverged, and every
 * later round would only repeat it. The round itself is in the history.
 */
public class DivergedException extends RoundFailedException {

  public DivergedException(int round, String loss) {
    super(round, "diverged at round " + round + ": " + loss + " (spec.onDivergence: Continue "
        + "would go on)", List.of());
  }
}

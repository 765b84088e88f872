package io.flowersim.client;

/**
 * The example-weighted sum of fit updates, added one at a time where they are produced, so an
 * engine can ship one model per worker instead of one per client. Summed in double: the order of
 * the additions (which worker got which clients) then moves only the last bits of the float mean.
 */
public final class UpdateSum {

  private final Parameters layout;
  private final double[] sum;
  private long examples;

  /** An empty sum for updates shaped like {@code layout}. */
  public UpdateSum(Parameters layout) {
    this.layout = layout;
    this.sum = new double[layout.size()];
  }

  /** Adds an update weighted by its example count (a mean of several counts as their total). */
  public void add(Parameters update, long numExamples) {
    if (!update.sameLayoutAs(layout)) {
      throw new IllegalArgumentException("updates differ in layout: " + layout + " vs " + update);
    }
    add(update.values(), numExamples);
  }

  /** As {@link #add(Parameters, long)}, for values in this sum's layout. */
  public void add(float[] values, long numExamples) {
    if (values.length != sum.length) {
      throw new IllegalArgumentException("an update of " + values.length + " values, expected "
          + sum.length);
    }
    if (numExamples < 0) {
      throw new IllegalArgumentException("numExamples must be >= 0, got " + numExamples);
    }
    double w = numExamples;
    for (int i = 0; i < sum.length; i++) {
      sum[i] += w * values[i];
    }
    examples += numExamples;
  }

  /** The examples behind the sum. */
  public long examples() {
    return examples;
  }

  /** The example-weighted mean; refused, as by FedAvg, when no update brought an example. */
  public Parameters mean() {
    if (examples == 0) {
      throw new IllegalArgumentException("all updates report 0 examples; cannot weight them");
    }
    float[] mean = new float[sum.length];
    for (int i = 0; i < mean.length; i++) {
      mean[i] = (float) (sum[i] / examples);
    }
    return Parameters.withLayoutOf(layout, mean);
  }
}

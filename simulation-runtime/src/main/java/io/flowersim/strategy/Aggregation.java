package io.flowersim.strategy;

import io.flowersim.client.Parameters;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The aggregation arithmetic shared by all strategies (Flower's aggregate.py). Pure functions over
 * contiguous parameter arrays; strategies call these and add no math of their own.
 */
public final class Aggregation {

  private Aggregation() {}

  /** One client's contribution: its parameters and how many examples produced them. */
  public record Weighted(Parameters parameters, long numExamples) {}

  /** One client's loss with its example count. */
  public record WeightedLoss(long numExamples, double loss) {}

  /** One client's metrics with its example count. */
  public record WeightedMetrics(long numExamples, Map<String, Double> metrics) {}

  /**
   * The example-weighted mean of the updates, sum_k (n_k / n) * x_k, as Flower's in-place
   * aggregate. Each update is streamed once; the scale factors are computed in double and applied
   * in float, which is where Flower's numpy arrays live too.
   */
  public static Parameters weightedAverage(List<Weighted> updates) {
    if (updates.isEmpty()) {
      throw new IllegalArgumentException("nothing to aggregate");
    }
    Parameters layout = updates.get(0).parameters();
    long total = 0;
    for (Weighted u : updates) {
      if (!u.parameters().sameLayoutAs(layout)) {
        throw new IllegalArgumentException("updates differ in layout: " + layout + " vs "
            + u.parameters());
      }
      total += u.numExamples();
    }
    if (total == 0) {
      throw new IllegalArgumentException("all updates report 0 examples; cannot weight them");
    }
    float[] acc = new float[layout.size()];
    for (Weighted u : updates) {
      float scale = (float) ((double) u.numExamples() / total);
      float[] x = u.parameters().values();
      for (int i = 0; i < acc.length; i++) {
        acc[i] += scale * x[i];
      }
    }
    return Parameters.withLayoutOf(layout, acc);
  }

  /** Flower's weighted_loss_avg: sum_k n_k * loss_k / sum_k n_k. */
  public static double weightedLossAverage(List<WeightedLoss> losses) {
    long total = 0;
    double sum = 0;
    for (WeightedLoss l : losses) {
      total += l.numExamples();
      sum += l.numExamples() * l.loss();
    }
    if (total == 0) {
      throw new IllegalArgumentException("all results report 0 examples; cannot weight losses");
    }
    return sum / total;
  }

  /**
   * The example-weighted mean of every metric key, each over the clients that reported it (the
   * weighted_average that Flower's examples pass as metrics aggregation function).
   */
  public static Map<String, Double> weightedMetricsAverage(List<WeightedMetrics> metrics) {
    Map<String, double[]> sums = new TreeMap<>();
    for (WeightedMetrics m : metrics) {
      for (Map.Entry<String, Double> e : m.metrics().entrySet()) {
        double[] s = sums.computeIfAbsent(e.getKey(), k -> new double[2]);
        s[0] += m.numExamples() * e.getValue();
        s[1] += m.numExamples();
      }
    }
    Map<String, Double> out = new TreeMap<>();
    sums.forEach((k, s) -> {
      if (s[1] > 0) {
        out.put(k, s[0] / s[1]);
      }
    });
    return out;
  }
}

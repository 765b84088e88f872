package io.flowersim.strategy;

import io.flowersim.client.Parameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

/**
 * The aggregation arithmetic shared by all strategies: Flower's aggregate.py (weighted mean, median,
 * trimmed mean, Krum, Bulyan), the server-optimizer updates of fedavgm.py, fedadagrad.py,
 * fedadam.py and fedyogi.py, and the clipping and noise of flwr/common/differential_privacy.py.
 * Pure functions over contiguous parameter arrays (the random source of the noise is an argument);
 * strategies call these and add no math of their own. Parameters hold floats, as Flower's numpy
 * arrays do; each element is computed in double and stored as float.
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

  // ---- robust aggregation (aggregate.py) -----------------------------------------------------

  /**
   * Flower's aggregate_median: the coordinate-wise median of the clients' parameters, ignoring
   * their example counts; with an even number of clients the mean of the two middle values (as
   * numpy's median).
   */
  public static Parameters median(List<Parameters> updates) {
    int n = updates.size();
    return reduceSortedColumns(updates,
        column -> n % 2 == 1 ? column[n / 2] : (column[n / 2 - 1] + column[n / 2]) / 2);
  }

  /**
   * Flower's aggregate_trimmed_avg (scipy's trim_mean): per coordinate, drop the
   * {@code int(proportionToCut * n)} smallest and as many largest values, and average the rest.
   */
  public static Parameters trimmedMean(List<Parameters> updates, double proportionToCut) {
    checkLayouts(updates); // before the cut arithmetic, so that bad input is named first
    int n = updates.size();
    int lowerCut = (int) (proportionToCut * n);
    int upperCut = n - lowerCut;
    if (!(proportionToCut >= 0) || lowerCut >= upperCut) {
      throw new IllegalArgumentException("proportion to cut " + proportionToCut + " leaves nothing "
          + "of " + n + " updates; it must be in [0, 0.5)");
    }
    return reduceSortedColumns(updates, column -> {
      double sum = 0;
      for (int k = lowerCut; k < upperCut; k++) {
        sum += column[k];
      }
      return sum / (upperCut - lowerCut);
    });
  }

  /**
   * The coordinate-wise statistics (median, trimmed mean): per coordinate, the clients' values
   * sorted ascending, reduced to one value.
   */
  private static Parameters reduceSortedColumns(List<Parameters> updates,
      ToDoubleFunction<double[]> reduce) {
    Parameters layout = checkLayouts(updates);
    int n = updates.size();
    float[] out = new float[layout.size()];
    double[] column = new double[n];
    for (int i = 0; i < out.length; i++) {
      for (int k = 0; k < n; k++) {
        column[k] = updates.get(k).values()[i];
      }
      Arrays.sort(column);
      out[i] = (float) reduce.applyAsDouble(column);
    }
    return Parameters.withLayoutOf(layout, out);
  }

  /**
   * Flower's _compute_distances: the squared Euclidean distance between every pair of updates,
   * over all their values.
   */
  public static double[][] squaredDistances(List<Parameters> updates) {
    checkLayouts(updates);
    int n = updates.size();
    double[][] d = new double[n][n];
    for (int a = 0; a < n; a++) {
      float[] x = updates.get(a).values();
      for (int b = a + 1; b < n; b++) {
        float[] y = updates.get(b).values();
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
          double diff = (double) x[i] - y[i];
          sum += diff * diff;
        }
        d[a][b] = sum;
        d[b][a] = sum;
      }
    }
    return d;
  }

  /**
   * Krum scores of the updates {@code candidates} (indices into {@code distances}): each one's sum
   * of squared distances to its {@code max(1, m - numMalicious - 2)} nearest other candidates,
   * m being the number of candidates (Flower's aggregate_krum, which skips the nearest vector in
   * its sort, the update itself).
   */
  public static double[] krumScores(double[][] distances, List<Integer> candidates,
      int numMalicious) {
    int m = candidates.size();
    int numClosest = Math.min(Math.max(1, m - numMalicious - 2), m - 1);
    double[] scores = new double[m];
    double[] others = new double[Math.max(0, m - 1)];
    for (int a = 0; a < m; a++) {
      int o = 0;
      for (int b = 0; b < m; b++) {
        if (b != a) {
          others[o++] = distances[candidates.get(a)][candidates.get(b)];
        }
      }
      Arrays.sort(others);
      double score = 0;
      for (int k = 0; k < numClosest; k++) {
        score += others[k];
      }
      scores[a] = score;
    }
    return scores;
  }

  /**
   * Flower's aggregate_krum: with {@code numToKeep == 0} (Krum) the update with the lowest score;
   * otherwise (Multi-Krum) the example-weighted mean of the {@code numToKeep} lowest-scored updates,
   * all of them when fewer reported. Ties go to the earlier update.
   */
  public static Parameters krum(List<Weighted> updates, int numMalicious, int numToKeep) {
    List<Parameters> parameters = updates.stream().map(Weighted::parameters).toList();
    double[] scores = krumScores(squaredDistances(parameters), indices(updates.size()),
        numMalicious);
    List<Integer> order = new ArrayList<>(indices(updates.size()));
    order.sort((a, b) -> Double.compare(scores[a], scores[b]));
    if (numToKeep <= 0) {
      return updates.get(order.get(0)).parameters();
    }
    List<Weighted> best = new ArrayList<>();
    for (int k = 0; k < Math.min(numToKeep, order.size()); k++) {
      best.add(updates.get(order.get(k)));
    }
    return weightedAverage(best);
  }

  /**
   * Flower's aggregate_bulyan with Krum as its first rule: pick theta = n - 2f updates one by one,
   * each time the Krum choice among those not yet picked; then, per coordinate, average the
   * beta = theta - 2f picked values closest to the picked updates' median.
   *
   * @throws IllegalArgumentException when n < 4f + 3, the method's assumption (Flower raises too)
   */
  public static Parameters bulyan(List<Weighted> updates, int numMalicious) {
    int n = updates.size();
    if (n < 4L * numMalicious + 3) {
      throw new IllegalArgumentException("Bulyan needs at least 4 * numMaliciousClients + 3 = "
          + (4L * numMalicious + 3) + " updates, got " + n);
    }
    List<Parameters> parameters = updates.stream().map(Weighted::parameters).toList();
    double[][] distances = squaredDistances(parameters);
    int theta = n - 2 * numMalicious;
    int beta = theta - 2 * numMalicious;
    List<Integer> remaining = new ArrayList<>(indices(n));
    List<Parameters> selected = new ArrayList<>(theta);
    for (int t = 0; t < theta; t++) {
      double[] scores = krumScores(distances, remaining, numMalicious);
      int best = 0;
      for (int k = 1; k < scores.length; k++) {
        if (scores[k] < scores[best]) {
          best = k;
        }
      }
      selected.add(parameters.get(remaining.remove(best)));
    }
    Parameters median = median(selected);
    return closestMean(median, selected, beta);
  }

  /**
   * Flower's _aggregate_n_closest_weights: per coordinate, the mean of the {@code beta} values
   * nearest to the reference's value.
   */
  public static Parameters closestMean(Parameters reference, List<Parameters> updates, int beta) {
    checkLayouts(updates);
    int n = updates.size();
    if (beta < 1 || beta > n) {
      throw new IllegalArgumentException("cannot average the " + beta + " closest of " + n
          + " updates");
    }
    float[] ref = reference.values();
    float[] out = new float[ref.length];
    Integer[] order = new Integer[n];
    double[] column = new double[n];
    for (int i = 0; i < out.length; i++) {
      for (int k = 0; k < n; k++) {
        column[k] = updates.get(k).values()[i];
        order[k] = k;
      }
      double r = ref[i];
      Arrays.sort(order, (a, b) -> Double.compare(Math.abs(column[a] - r),
          Math.abs(column[b] - r)));
      double sum = 0;
      for (int k = 0; k < beta; k++) {
        sum += column[order[k]];
      }
      out[i] = (float) (sum / beta);
    }
    return Parameters.withLayoutOf(reference, out);
  }

  // ---- server optimizers (fedavgm.py, fedadagrad.py, fedadam.py, fedyogi.py) -----------------

  /** x - y, element-wise: Flower's pseudo-gradient (current - average) or delta (average - current). */
  public static float[] subtract(float[] x, float[] y) {
    checkLengths(x, y);
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) ((double) x[i] - y[i]);
    }
    return out;
  }

  /**
   * FedAvgM's momentum buffer: the gradient itself the first time ({@code previous == null}, Flower's
   * round 1), then {@code momentum * previous + gradient}.
   */
  public static float[] momentum(float[] previous, float[] gradient, double momentum) {
    if (previous == null) {
      return gradient.clone();
    }
    checkLengths(previous, gradient);
    float[] out = new float[gradient.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (momentum * previous[i] + gradient[i]);
    }
    return out;
  }

  /** One SGD step, {@code x - learningRate * direction} (FedAvgM's server update). */
  public static float[] sgdStep(float[] x, float[] direction, double learningRate) {
    checkLengths(x, direction);
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) (x[i] - learningRate * direction[i]);
    }
    return out;
  }

  /** FedOpt's m_t = beta1 * m + (1 - beta1) * delta, with m = 0 the first time (null). */
  public static float[] firstMoment(float[] m, float[] delta, double beta1) {
    float[] out = new float[delta.length];
    for (int i = 0; i < out.length; i++) {
      double previous = m == null ? 0 : m[i];
      out[i] = (float) (beta1 * previous + (1 - beta1) * delta[i]);
    }
    return out;
  }

  /** FedAdagrad's v_t = v + delta^2, with v = 0 the first time (null). */
  public static float[] adagradSecondMoment(float[] v, float[] delta) {
    float[] out = new float[delta.length];
    for (int i = 0; i < out.length; i++) {
      double previous = v == null ? 0 : v[i];
      out[i] = (float) (previous + (double) delta[i] * delta[i]);
    }
    return out;
  }

  /** FedAdam's v_t = beta2 * v + (1 - beta2) * delta^2, with v = 0 the first time (null). */
  public static float[] adamSecondMoment(float[] v, float[] delta, double beta2) {
    float[] out = new float[delta.length];
    for (int i = 0; i < out.length; i++) {
      double previous = v == null ? 0 : v[i];
      out[i] = (float) (beta2 * previous + (1 - beta2) * ((double) delta[i] * delta[i]));
    }
    return out;
  }

  /**
   * FedYogi's v_t = v - (1 - beta2) * delta^2 * sign(v - delta^2), with v = 0 the first time
   * (null) and sign(0) = 0 as numpy's.
   */
  public static float[] yogiSecondMoment(float[] v, float[] delta, double beta2) {
    float[] out = new float[delta.length];
    for (int i = 0; i < out.length; i++) {
      double previous = v == null ? 0 : v[i];
      double squared = (double) delta[i] * delta[i];
      out[i] = (float) (previous - (1 - beta2) * squared * Math.signum(previous - squared));
    }
    return out;
  }

  /** FedOpt's server step, x + eta * m / (sqrt(v) + tau). */
  public static float[] adaptiveStep(float[] x, float[] m, float[] v, double eta, double tau) {
    checkLengths(x, m);
    checkLengths(x, v);
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) (x[i] + eta * m[i] / (Math.sqrt(v[i]) + tau));
    }
    return out;
  }

  /**
   * FedAdam's bias-corrected learning rate, eta * sqrt(1 - beta2^(t+1)) / (1 - beta1^(t+1)) with
   * t the server round, as Flower's fedadam.py writes it (Kingma and Ba's alpha_t, with its
   * exponent one ahead of the round).
   */
  public static double adamBiasCorrectedEta(double eta, double beta1, double beta2, int round) {
    return eta * Math.sqrt(1 - Math.pow(beta2, round + 1.0)) / (1 - Math.pow(beta1, round + 1.0));
  }

  // ---- differential privacy (flwr/common/differential_privacy.py) ----------------------------

  /** The L2 norm of all values together (Flower's get_norm over the flattened arrays). */
  public static double l2Norm(float[] x) {
    double sum = 0;
    for (float v : x) {
      sum += (double) v * v;
    }
    return Math.sqrt(sum);
  }

  /**
   * Flower's compute_clip_model_update: the client's update (client - global), scaled by
   * min(1, clippingNorm / ||update||), added back to the global parameters.
   */
  public static Parameters clipUpdate(Parameters client, Parameters global, double clippingNorm) {
    if (!client.sameLayoutAs(global)) {
      throw new IllegalArgumentException("update and global parameters differ in layout: "
          + client + " vs " + global);
    }
    float[] update = subtract(client.values(), global.values());
    double scale = Math.min(1.0, clippingNorm / l2Norm(update));
    float[] g = global.values();
    float[] out = new float[g.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = g[i] + (float) (update[i] * scale);
    }
    return Parameters.withLayoutOf(global, out);
  }

  /**
   * Flower's compute_stdv: the standard deviation of the central DP noise,
   * noiseMultiplier * clippingNorm / numSampledClients.
   */
  public static double dpNoiseStddev(double noiseMultiplier, double clippingNorm,
      int numSampledClients) {
    return noiseMultiplier * clippingNorm / numSampledClients;
  }

  /** The parameters plus independent N(0, stddev^2) noise on every value. */
  public static Parameters addGaussianNoise(Parameters parameters, double stddev,
      RandomGenerator random) {
    float[] x = parameters.values();
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] + (float) (stddev * random.nextGaussian());
    }
    return Parameters.withLayoutOf(parameters, out);
  }

  /**
   * Andrew et al.'s noise split, as Flower's compute_adaptive_noise_params: the count of unclipped
   * updates gets noise too, so the updates' multiplier z becomes
   * (z^-2 - (2 * countStddev)^-2)^-1/2, leaving the total privacy of z. Returns
   * {countStddev, updates' noise multiplier}; countStddev, when not given, is
   * numSampledClients / 20 with noise and 0 without.
   */
  public static double[] adaptiveNoiseParameters(double noiseMultiplier, int numSampledClients,
      Double clippedCountStddev) {
    double countStddev = clippedCountStddev != null ? clippedCountStddev
        : noiseMultiplier > 0 ? numSampledClients / 20.0 : 0.0;
    if (noiseMultiplier <= 0) {
      return new double[] {countStddev, noiseMultiplier};
    }
    double rest = Math.pow(noiseMultiplier, -2) - Math.pow(2 * countStddev, -2);
    if (!(rest > 0)) {
      throw new IllegalArgumentException("clippedCountStddev " + countStddev + " is too small for "
          + "noiseMultiplier " + noiseMultiplier + ": the count's noise would take all the "
          + "privacy (it must exceed noiseMultiplier / 2)");
    }
    return new double[] {countStddev, Math.pow(rest, -0.5)};
  }

  /**
   * Andrew et al.'s geometric update of the clipping norm (Flower's _geometric_update):
   * norm * exp(-learningRate * (unclippedFraction - targetQuantile)), where unclippedFraction is
   * the (noised) share of updates whose norm was at most the clipping norm.
   */
  public static double geometricClipNormUpdate(double clippingNorm, double unclippedFraction,
      double targetQuantile, double learningRate) {
    return clippingNorm * Math.exp(-learningRate * (unclippedFraction - targetQuantile));
  }

  /** Whether clipping to {@code clippingNorm} leaves {@code client}'s update unchanged. */
  public static boolean unclipped(Parameters client, Parameters global, double clippingNorm) {
    return l2Norm(subtract(client.values(), global.values())) <= clippingNorm;
  }

  // ---- q-FedAvg (Li et al. 2020; flwr serverapp qfedavg.py) --------------------------------

  /** One client's update and its training loss, for q-FedAvg. */
  public record LossWeighted(Parameters parameters, double loss) {}

  /**
   * q-FedAvg's step from {@code global}: with L = 1 / learningRate, each client k's scaled update
   * Delta_k = L (global - w_k), delta_k = F_k^q Delta_k and
   * h_k = q F_k^(q-1) ||Delta_k||^2 + L F_k^q (F_k its loss plus 1e-10); the new parameters are
   * global - sum(delta_k) / sum(h_k). With q = 0 it is the unweighted mean of the w_k.
   */
  public static Parameters qFedAvg(Parameters global, List<LossWeighted> updates, double q,
      double learningRate) {
    checkLayouts(updates.stream().map(LossWeighted::parameters).toList());
    double lipschitz = 1.0 / learningRate;
    float[] g = global.values();
    double[] sumDelta = new double[g.length];
    double sumH = 0;
    for (LossWeighted update : updates) {
      float[] w = update.parameters().values();
      checkLengths(g, w);
      double loss = update.loss() + 1e-10;
      double lossPowQ = Math.pow(loss, q);
      double squaredNorm = 0;
      for (int i = 0; i < g.length; i++) {
        double scaled = lipschitz * ((double) g[i] - w[i]);
        squaredNorm += scaled * scaled;
        sumDelta[i] += lossPowQ * scaled;
      }
      sumH += q * Math.pow(loss, q - 1) * squaredNorm + lipschitz * lossPowQ;
    }
    float[] out = new float[g.length];
    for (int i = 0; i < g.length; i++) {
      out[i] = (float) (g[i] - sumDelta[i] / sumH);
    }
    return Parameters.withLayoutOf(global, out);
  }

  // ---- checks --------------------------------------------------------------------------------

  private static Parameters checkLayouts(List<Parameters> updates) {
    if (updates.isEmpty()) {
      throw new IllegalArgumentException("nothing to aggregate");
    }
    Parameters layout = updates.get(0);
    for (Parameters p : updates) {
      if (!p.sameLayoutAs(layout)) {
        throw new IllegalArgumentException("updates differ in layout: " + layout + " vs " + p);
      }
    }
    return layout;
  }

  private static void checkLengths(float[] x, float[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("vectors differ in length: " + x.length + " vs "
          + y.length);
    }
  }

  private static List<Integer> indices(int n) {
    List<Integer> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(i);
    }
    return out;
  }
}

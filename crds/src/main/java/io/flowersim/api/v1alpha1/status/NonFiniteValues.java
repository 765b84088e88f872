package io.flowersim.api.v1alpha1.status;

import java.util.Iterator;
import java.util.Map;

/**
 * NaN and the infinities have no JSON number: status fields typed number refuse them (the API
 * server rejects the whole patch) and Jackson would write them as strings. A record keeps such a
 * value as null (or leaves the metric out) and names it in a map of field to "NaN", "Infinity"
 * or "-Infinity".
 */
public final class NonFiniteValues {

  private NonFiniteValues() {}

  /** {@code value} when finite or null; otherwise null, with {@code field} noted. */
  public static Double finite(String field, Double value, Map<String, String> noted) {
    if (value == null || Double.isFinite(value)) {
      return value;
    }
    noted.put(field, value.toString());
    return null;
  }

  /** Removes the metrics that are not finite, noting each as {@code prefix.key}. */
  public static void removeFrom(String prefix, Map<String, Double> metrics,
      Map<String, String> noted) {
    for (Iterator<Map.Entry<String, Double>> i = metrics.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<String, Double> metric = i.next();
      if (metric.getValue() != null && !Double.isFinite(metric.getValue())) {
        noted.put(prefix + "." + metric.getKey(), metric.getValue().toString());
        i.remove();
      }
    }
  }
}

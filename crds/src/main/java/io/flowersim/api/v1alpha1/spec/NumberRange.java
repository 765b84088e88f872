package io.flowersim.api.v1alpha1.spec;

import java.math.BigDecimal;

/**
 * The finite values a number field allows: above or at a minimum, optionally below or at a
 * maximum, optionally whole. One rule gives the validator's message ("must be in [0, 1), got 1"),
 * the constructors' refusals, the CRD's OpenAPI bounds and the documentation's "a number in
 * [0, 1)".
 */
public record NumberRange(double min, boolean minInclusive, Double max, boolean maxInclusive,
    boolean whole) {

  /** A whole number at least {@code min}. */
  public static NumberRange wholeAtLeast(int min) {
    return new NumberRange(min, true, null, false, true);
  }

  /** A number at least {@code min}. */
  public static NumberRange atLeast(double min) {
    return new NumberRange(min, true, null, false, false);
  }

  /** A number greater than {@code min}. */
  public static NumberRange greaterThan(double min) {
    return new NumberRange(min, false, null, false, false);
  }

  /** A number in [min, max). */
  public static NumberRange from(double min, double maxExclusive) {
    return new NumberRange(min, true, maxExclusive, false, false);
  }

  public boolean contains(Number value) {
    if (whole && !(value instanceof Integer || value instanceof Long)) {
      return false;
    }
    double v = value.doubleValue();
    return Double.isFinite(v) && (minInclusive ? v >= min : v > min)
        && (max == null || (maxInclusive ? v <= max : v < max));
  }

  /** "at least 0", "greater than 0", "in [0, 1)": what the messages say a value must be. */
  public String mustBe() {
    if (max != null) {
      return "in " + interval();
    }
    return (minInclusive ? "at least " : "greater than ") + format(min);
  }

  /** "a whole number &gt;= 0", "a number &gt; 0", "a number in [0, 1)": for the documentation. */
  public String allowed() {
    return (whole ? "a whole number " : "a number ") + bounds();
  }

  /** "&gt;= 0", "&gt; 0", "in [0, 1)". */
  public String bounds() {
    if (max != null) {
      return "in " + interval();
    }
    return (minInclusive ? ">= " : "> ") + format(min);
  }

  /** The refusal of {@code value}, e.g. "must be in [0, 1), got 1"; null when it is allowed. */
  public String problem(Number value) {
    if (contains(value)) {
      return null;
    }
    return "must be " + mustBe() + ", got " + format(value.doubleValue());
  }

  private String interval() {
    return (minInclusive ? "[" : "(") + format(min) + ", " + format(max)
        + (maxInclusive ? "]" : ")");
  }

  /**
   * A number as the messages and documents write it: 1.5, 2 (not 2.0), 0.0316, 1e-9 (not
   * 0.000000001), NaN and Infinity as themselves.
   */
  public static String format(double value) {
    if (!Double.isFinite(value)) {
      return String.valueOf(value);
    }
    BigDecimal exact = BigDecimal.valueOf(value).stripTrailingZeros();
    return exact.scale() > 6 ? exact.toString().replace('E', 'e') : exact.toPlainString();
  }
}

package io.flowersim.task;

import java.util.Optional;

/**
 * What a task's data would take, judged before it is allocated: a size that overflows a Java
 * array, or more than the heap holds, is one line naming the field instead of a stream of
 * OutOfMemoryErrors (or a negative array size) once the run has started.
 */
public final class HeapBudget {

  /** The longest array the JVM allocates. */
  public static final long MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  private HeapBudget() {}

  /** An array of {@code length} elements, for {@code what} ("a client's examples"). */
  public static Optional<String> array(String field, long length, String what) {
    if (length <= MAX_ARRAY_LENGTH) {
      return Optional.empty();
    }
    return Optional.of(field + ": " + what + " would be " + length + " values, more than one "
        + "Java array holds (" + MAX_ARRAY_LENGTH + ")");
  }

  /** {@code bytes} held at once in this JVM's heap, for {@code what}. */
  public static Optional<String> heap(String field, long bytes, String what) {
    long max = Runtime.getRuntime().maxMemory();
    if (bytes <= max) {
      return Optional.empty();
    }
    return Optional.of(field + ": " + what + " would take " + mib(bytes) + " MiB, more than "
        + "this JVM's heap (" + mib(max) + " MiB); lower it, or raise the heap with "
        + "FLOWERSIM_JAVA_OPTS=-Xmx…");
  }

  /** Saturating a * b for sizes (never negative). */
  public static long times(long a, long b) {
    long product = a * b;
    return (a != 0 && (product / a != b || product < 0)) ? Long.MAX_VALUE : product;
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}

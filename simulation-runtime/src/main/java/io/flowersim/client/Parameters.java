package io.flowersim.client;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Model parameters: named float tensors laid out one after another in a single contiguous array.
 * One array keeps aggregation a tight loop over memory and makes a copy or transfer one block.
 * Instances are treated as immutable: nobody writes into {@link #values()} after construction.
 */
public final class Parameters {

  /** The dtype of an array that Java made: the values' own. */
  public static final String FLOAT32 = "float32";

  private final List<Tensor> tensors;
  private final float[] values;

  /**
   * Where one named tensor lives inside the contiguous array, and the dtype its maker holds it in
   * (a Flower App's int64 counter, say): the values here are float32 whatever it is, and a Python
   * client gets the array back in that dtype. The dtype is not part of equality: two layouts are
   * the same when their names, shapes and places are.
   */
  public record Tensor(String name, int[] shape, int offset, int size, String dtype) {
    public Tensor {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(dtype, "dtype");
      shape = shape.clone();
    }

    @Override
    public int[] shape() {
      return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Tensor t && name.equals(t.name) && Arrays.equals(shape, t.shape)
          && offset == t.offset && size == t.size;
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, Arrays.hashCode(shape), offset, size);
    }

    @Override
    public String toString() {
      return name + Arrays.toString(shape);
    }
  }

  private Parameters(List<Tensor> tensors, float[] values) {
    this.tensors = Collections.unmodifiableList(tensors);
    this.values = values;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Same layout as {@code layout}, with new values (length must match). */
  public static Parameters withLayoutOf(Parameters layout, float[] values) {
    if (values.length != layout.values.length) {
      throw new IllegalArgumentException("expected " + layout.values.length + " values for layout "
          + layout.tensors + ", got " + values.length);
    }
    return new Parameters(layout.tensors, values);
  }

  public List<Tensor> tensors() {
    return tensors;
  }

  /** The contiguous values; do not modify. */
  public float[] values() {
    return values;
  }

  public int size() {
    return values.length;
  }

  public Tensor tensor(String name) {
    for (Tensor t : tensors) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("no tensor named " + name + " in " + tensors);
  }

  /** A copy of one tensor's values. */
  public float[] copyOf(String name) {
    Tensor t = tensor(name);
    return Arrays.copyOfRange(values, t.offset(), t.offset() + t.size());
  }

  public boolean sameLayoutAs(Parameters other) {
    return tensors.equals(other.tensors);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Parameters p && tensors.equals(p.tensors) && Arrays.equals(values, p.values);
  }

  @Override
  public int hashCode() {
    return 31 * tensors.hashCode() + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "Parameters" + tensors + " (" + values.length + " floats)";
  }

  /** Builds parameters tensor by tensor. */
  public static final class Builder {
    private final List<String> names = new ArrayList<>();
    private final List<int[]> shapes = new ArrayList<>();
    private final List<float[]> data = new ArrayList<>();
    private final List<String> dtypes = new ArrayList<>();

    public Builder add(String name, int[] shape, float[] values) {
      return add(name, shape, values, FLOAT32);
    }

    /** A tensor that its maker holds in {@code dtype} (numpy's name for it). */
    public Builder add(String name, int[] shape, float[] values, String dtype) {
      long expected = 1;
      for (int d : shape) {
        expected *= d;
      }
      if (expected != values.length) {
        throw new IllegalArgumentException("tensor " + name + " has shape " + Arrays.toString(shape)
            + " but " + values.length + " values");
      }
      if (names.contains(name)) {
        throw new IllegalArgumentException("duplicate tensor name " + name);
      }
      names.add(name);
      shapes.add(shape.clone());
      data.add(values);
      dtypes.add(Objects.requireNonNull(dtype, "dtype"));
      return this;
    }

    public Parameters build() {
      long total = 0;
      for (float[] d : data) {
        total += d.length;
      }
      if (total > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("parameters too large for one array: " + total);
      }
      float[] all = new float[(int) total];
      List<Tensor> tensors = new ArrayList<>(names.size());
      int offset = 0;
      for (int i = 0; i < names.size(); i++) {
        float[] d = data.get(i);
        System.arraycopy(d, 0, all, offset, d.length);
        tensors.add(new Tensor(names.get(i), shapes.get(i), offset, d.length, dtypes.get(i)));
        offset += d.length;
      }
      return new Parameters(tensors, all);
    }
  }
}

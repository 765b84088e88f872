package io.flowersim.data;

import java.util.Objects;

/**
 * Labeled examples held in memory: features row-major ({@code size() * featureSize} floats) and
 * one label in {@code [0, numClasses)} per example. Instances are treated as immutable.
 *
 * @param features row-major feature matrix
 * @param labels one label per row
 * @param featureSize floats per example (784 for a 28x28 image)
 * @param numClasses how many labels exist
 */
public record LabeledDataset(float[] features, int[] labels, int featureSize, int numClasses) {

  public LabeledDataset {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    if (featureSize < 1) {
      throw new IllegalArgumentException("featureSize must be >= 1, got " + featureSize);
    }
    if ((long) labels.length * featureSize != features.length) {
      throw new IllegalArgumentException(labels.length + " labels need " + (long) labels.length
          * featureSize + " features of size " + featureSize + ", got " + features.length);
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException("label " + labels[i] + " at example " + i
            + " is outside [0, " + numClasses + ")");
      }
    }
  }

  public int size() {
    return labels.length;
  }

  /** A copy holding the examples at {@code indices}, in that order. */
  public LabeledDataset subset(int[] indices) {
    float[] x = new float[indices.length * featureSize];
    int[] y = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      int src = indices[i];
      System.arraycopy(features, src * featureSize, x, i * featureSize, featureSize);
      y[i] = labels[src];
    }
    return new LabeledDataset(x, y, featureSize, numClasses);
  }

  /** The first {@code n} examples (all of them if there are fewer). */
  public LabeledDataset head(int n) {
    int m = Math.min(n, size());
    int[] idx = new int[m];
    for (int i = 0; i < m; i++) {
      idx[i] = i;
    }
    return subset(idx);
  }

  /** How many of the examples at {@code indices} carry each label. */
  public int[] labelHistogram(int[] indices) {
    return labelHistogram(labels, numClasses, indices);
  }

  static int[] labelHistogram(int[] labels, int numClasses, int[] indices) {
    int[] h = new int[numClasses];
    for (int i : indices) {
      h[labels[i]]++;
    }
    return h;
  }
}

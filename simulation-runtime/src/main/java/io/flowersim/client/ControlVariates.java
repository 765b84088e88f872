package io.flowersim.client;

import java.util.Arrays;

/**
 * How SCAFFOLD's control variates travel with the model: the server appends its control variate c
 * to the global parameters as tensors named {@value #PREFIX} + each tensor's name (same shapes),
 * and a client sends back its new parameters followed by the change of its own control variate,
 * Delta c_i, in the same layout. So one array still crosses the wire each way, and an engine may
 * still sum the replies: the mean of the concatenation is the two means.
 */
public final class ControlVariates {

  /** The name prefix of the control-variate tensors. */
  public static final String PREFIX = "scaffold_control/";

  private ControlVariates() {}

  /** {@code model} followed by {@code control} (laid out as the model). */
  public static Parameters append(Parameters model, float[] control) {
    if (control.length != model.size()) {
      throw new IllegalArgumentException("control variate of " + control.length + " values for a "
          + "model of " + model.size());
    }
    Parameters.Builder builder = Parameters.builder();
    for (Parameters.Tensor t : model.tensors()) {
      builder.add(t.name(), t.shape(), model.copyOf(t.name()), t.dtype());
    }
    for (Parameters.Tensor t : model.tensors()) {
      builder.add(PREFIX + t.name(), t.shape(),
          Arrays.copyOfRange(control, t.offset(), t.offset() + t.size()));
    }
    return builder.build();
  }

  /** Whether {@code parameters} carry control variates after the model. */
  public static boolean carried(Parameters parameters) {
    return parameters.tensors().stream().anyMatch(t -> t.name().startsWith(PREFIX));
  }

  /** The model part of {@code combined}: its tensors without the prefix. */
  public static Parameters model(Parameters combined) {
    Parameters.Builder builder = Parameters.builder();
    int tensors = 0;
    for (Parameters.Tensor t : combined.tensors()) {
      if (!t.name().startsWith(PREFIX)) {
        builder.add(t.name(), t.shape(), combined.copyOf(t.name()), t.dtype());
        tensors++;
      }
    }
    Parameters model = builder.build();
    if (tensors * 2 != combined.tensors().size() || model.size() * 2 != combined.size()) {
      throw new IllegalArgumentException("parameters " + combined + " are not a model followed by "
          + "its control variate");
    }
    return model;
  }

  /** The control-variate part of {@code combined}, laid out as its model part. */
  public static float[] control(Parameters combined) {
    int half = combined.size() / 2;
    return Arrays.copyOfRange(combined.values(), half, combined.size());
  }

  /** {@code model} followed by {@code control}, in the layout {@code layout} already has. */
  public static Parameters combine(Parameters layout, Parameters model, float[] control) {
    float[] values = new float[layout.size()];
    System.arraycopy(model.values(), 0, values, 0, model.size());
    System.arraycopy(control, 0, values, model.size(), control.length);
    return Parameters.withLayoutOf(layout, values);
  }
}

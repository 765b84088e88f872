package io.flowersim.task.fashionmnist;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;

/** Built-in task "fashion-mnist-mlp": a 784-128-10 perceptron with ReLU. */
public final class FashionMnistMlpTask extends FashionMnistTask {

  public static final String NAME = "fashion-mnist-mlp";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Fashion-MNIST (Debian dataset-fashion-mnist), 784-128-10 MLP on DJL/PyTorch "
        + "(" + OPTIONS.describe() + ")";
  }

  @Override
  protected Block network() {
    return new SequentialBlock()
        .add(Linear.builder().setUnits(128).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(10).build());
  }

  @Override
  protected Shape sampleShape() {
    return new Shape(784);
  }
}

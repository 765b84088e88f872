package io.flowersim.task.fashionmnist;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * Built-in task "fashion-mnist-cnn": two 5x5 convolutions (32, 64 channels) with ReLU and 2x2 max
 * pooling, then two dense layers (512, 10) — the CNN of McMahan et al. and Flower's examples.
 */
public final class FashionMnistCnnTask extends FashionMnistTask {

  public static final String NAME = "fashion-mnist-cnn";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Fashion-MNIST (Debian dataset-fashion-mnist), 2-conv + 2-dense CNN on DJL/PyTorch "
        + "(" + OPTIONS.describe() + ")";
  }

  @Override
  protected Block network() {
    return new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2))
            .setFilters(32).build())
        .add(Activation::relu)
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(new Shape(2, 2))
            .setFilters(64).build())
        .add(Activation::relu)
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(512).build())
        .add(Activation::relu)
        .add(Linear.builder().setUnits(10).build());
  }

  @Override
  protected Shape sampleShape() {
    return new Shape(1, 28, 28);
  }
}

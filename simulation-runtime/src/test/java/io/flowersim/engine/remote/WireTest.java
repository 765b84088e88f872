package io.flowersim.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowersim.client.Parameters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What crosses between the driver and a worker survives the trip bit for bit. */
class WireTest {

  @Test
  void aModelKeepsItsTensorsAndExactValues() {
    Parameters model = Parameters.builder()
        .add("conv.weight", new int[] {2, 3}, new float[] {1.5f, -0f, Float.MIN_VALUE,
            Float.MAX_VALUE, Float.NaN, -123.456f})
        .add("conv.bias", new int[] {3}, new float[] {0.1f, Float.NEGATIVE_INFINITY, 7f})
        .add("scale", new int[] {}, new float[] {Math.nextUp(1f)})
        .build();

    Parameters back = Wire.parameters(Wire.model(model));

    assertThat(back.tensors()).isEqualTo(model.tensors());
    assertThat(back.tensors()).extracting(Parameters.Tensor::name)
        .containsExactly("conv.weight", "conv.bias", "scale");
    assertThat(back.tensor("conv.weight").shape()).containsExactly(2, 3);
    assertThat(back.tensor("scale").shape()).isEmpty();
    // equals compares the floats' bits: -0, NaN and the last bit of 1 + ulp must survive
    assertThat(back).isEqualTo(model);
    assertThat(Float.floatToRawIntBits(back.values()[1])).isEqualTo(Float.floatToRawIntBits(-0f));
  }

  private static Wire.Reply fit(long examples, float[] values) {
    return new Wire.Reply(null, null, values, examples, 0, new HashMap<>(Map.of("acc", 0.5)),
        new HashMap<>(Map.of("fits", 2)), "node-a", 41, 1000, 1005, 1);
  }

  private static Wire.Reply failed() {
    return new Wire.Reply("java.lang.IllegalStateException: boom", "trace", null, 0, 0, null,
        null, "node-b", 42, 1001, 1002, 1);
  }

  @Test
  void aBatchReplyWithAMeanKeepsTheRepliesTheMeanAndItsExamples() {
    Wire.BatchReply reply = new Wire.BatchReply(
        new ArrayList<>(List.of(fit(3, null), failed(), fit(4, null))),
        new float[] {0.25f, -7.5f, Float.MIN_NORMAL}, 7);

    Wire.BatchReply back = Wire.batchReply(Wire.batchReply(reply));

    assertThat(back).usingRecursiveComparison().isEqualTo(reply);
    assertThat(back.meanValues()).containsExactly(0.25f, -7.5f, Float.MIN_NORMAL);
    assertThat(back.meanExamples()).isEqualTo(7);
    assertThat(back.replies()).extracting(Wire.Reply::failed).containsExactly(false, true, false);
  }

  @Test
  void aBatchReplyWithoutAMeanKeepsEachReplysValues() {
    Wire.BatchReply reply = new Wire.BatchReply(
        new ArrayList<>(List.of(fit(3, new float[] {1f, 2f}), failed())), null, 0);

    Wire.BatchReply back = Wire.batchReply(Wire.batchReply(reply));

    assertThat(back).usingRecursiveComparison().isEqualTo(reply);
    assertThat(back.meanValues()).isNull();
    assertThat(back.replies().get(0).values()).containsExactly(1f, 2f);
    assertThat(back.replies().get(0).state()).containsEntry("fits", 2);
    assertThat(back.replies().get(1).error()).isEqualTo("java.lang.IllegalStateException: boom");
  }
}

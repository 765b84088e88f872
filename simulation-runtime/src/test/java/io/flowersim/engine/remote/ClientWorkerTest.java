package io.flowersim.engine.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.client.Config;
import io.flowersim.client.Parameters;
import io.flowersim.task.TaskSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A worker's batches, with {@link WorkerTestingTask} loaded by name as a Ray actor loads it. */
class ClientWorkerTest {

  /** Two tensors, so the sum keeps a layout of more than one. */
  private static final Parameters MODEL = Parameters.builder()
      .add("w", new int[] {2}, new float[] {0.5f, -1.25f})
      .add("b", new int[] {1}, new float[] {3f})
      .build();

  private static ClientWorker worker(int failClient) throws Exception {
    TaskSettings settings = new TaskSettings(Config.of(Map.of("failClient", failClient)), 8,
        new PartitioningSpec());
    return new ClientWorker(WorkerTestingTask.NAME, settings, "", "node-a",
        ClientWorkerTest.class.getClassLoader());
  }

  private static Wire.Batch fits(boolean sumUpdates, int... clientIds) {
    ArrayList<Wire.Call> calls = new ArrayList<>();
    for (int id : clientIds) {
      calls.add(new Wire.Call(1, true, id, Map.of(), Map.of()));
    }
    return new Wire.Batch(calls, sumUpdates);
  }

  /** MODEL plus {@code k} in every value: what client k's fit returns. */
  private static float[] plus(float k) {
    float[] v = MODEL.values().clone();
    for (int i = 0; i < v.length; i++) {
      v[i] += k;
    }
    return v;
  }

  @Test
  void summingSendsTheWeightedMeanOfTheSuccessfulFitsInsteadOfEachOne() throws Exception {
    Wire.BatchReply reply = worker(3).batch(fits(true, 1, 2, 3, 5), MODEL);

    List<Wire.Reply> replies = reply.replies();
    assertThat(replies).hasSize(4);
    // in the batch's order; client 3 failed and stays out of the sum
    assertThat(replies).extracting(Wire.Reply::failed).containsExactly(false, false, true, false);
    assertThat(replies.get(2).error()).contains("client 3 fails on purpose");
    assertThat(replies).allSatisfy(r -> assertThat(r.values()).isNull());
    assertThat(replies).extracting(Wire.Reply::numExamples).containsExactly(1L, 2L, 0L, 5L);
    assertThat(replies.get(3).metrics()).containsEntry("client", 5.0);
    // (1 * (m + 1) + 2 * (m + 2) + 5 * (m + 5)) / 8 = m + 3.75; unweighted it would be m + 8/3,
    // with client 3 counted m + 39/11
    assertThat(reply.meanExamples()).isEqualTo(8);
    assertThat(reply.meanValues()).containsExactly(plus(3.75f), within(1e-6f));
  }

  @Test
  void withoutSummingEachReplyKeepsItsValuesAndThereIsNoMean() throws Exception {
    Wire.BatchReply reply = worker(3).batch(fits(false, 1, 2, 3, 4), MODEL);

    List<Wire.Reply> replies = reply.replies();
    assertThat(replies).extracting(Wire.Reply::failed).containsExactly(false, false, true, false);
    assertThat(replies.get(0).values()).containsExactly(plus(1));
    assertThat(replies.get(1).values()).containsExactly(plus(2));
    assertThat(replies.get(2).values()).isNull();
    assertThat(replies.get(3).values()).containsExactly(plus(4));
    assertThat(reply.meanValues()).isNull();
    assertThat(reply.meanExamples()).isZero();
  }

  @Test
  void aBatchWhoseFitsBroughtNoExampleSendsNoMean() throws Exception {
    // client 0 trains on 0 examples; client 3 fails
    Wire.BatchReply reply = worker(3).batch(fits(true, 0, 3), MODEL);

    assertThat(reply.replies()).extracting(Wire.Reply::failed).containsExactly(false, true);
    assertThat(reply.meanValues()).isNull();
    assertThat(reply.meanExamples()).isZero();
  }

  @Test
  void evaluationsInABatchKeepTheirResults() throws Exception {
    ArrayList<Wire.Call> calls = new ArrayList<>(List.of(
        new Wire.Call(1, false, 2, Map.of(), Map.of()),
        new Wire.Call(1, false, 5, Map.of(), Map.of())));

    Wire.BatchReply reply = worker(-1).batch(new Wire.Batch(calls, false), MODEL);

    assertThat(reply.replies()).extracting(Wire.Reply::loss).containsExactly(2.0, 5.0);
    assertThat(reply.replies()).extracting(Wire.Reply::nodeId).containsOnly("node-a");
    assertThat(reply.meanValues()).isNull();
  }
}

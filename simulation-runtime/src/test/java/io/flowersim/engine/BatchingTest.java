package io.flowersim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowersim.client.ClientInstruction;
import io.flowersim.client.Config;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How a round's clients are split among the actors; no Ray cluster needed. */
class RayActorsBatchesTest {

  static List<ClientInstruction> clients(int n) {
    return IntStream.range(0, n).map(i -> 100 + i)
        .mapToObj(id -> new ClientInstruction(id, Config.empty())).toList();
  }

  static List<List<Integer>> ids(List<List<ClientInstruction>> batches) {
    return batches.stream()
        .map(b -> b.stream().map(ClientInstruction::clientId).toList()).toList();
  }

  @Test
  void eachWorkerGetsAConsecutiveShareDifferingByAtMostOne() {
    assertThat(ids(Batching.sharesPerWorker(1).split(clients(10), 4))).containsExactly(
        List.of(100, 101, 102), List.of(103, 104, 105), List.of(106, 107), List.of(108, 109));
    assertThat(ids(Batching.sharesPerWorker(1).split(clients(10), 2))).containsExactly(
        List.of(100, 101, 102, 103, 104), List.of(105, 106, 107, 108, 109));
  }

  @Test
  void moreBatchesPerWorkerSplitFiner() {
    assertThat(Batching.sharesPerWorker(2).split(clients(10), 2)).extracting(List::size)
        .containsExactly(3, 3, 2, 2);
  }

  @Test
  void eachClientAloneMakesOneBatchPerClientInOrder() {
    assertThat(ids(Batching.EACH_CLIENT_ALONE.split(clients(3), 2)))
        .containsExactly(List.of(100), List.of(101), List.of(102));
    assertThat(Batching.EACH_CLIENT_ALONE.sumsUpdates()).isFalse();
  }

  @Test
  void fewerClientsThanWorkersGiveOneClientPerBatchAndNoEmptyBatch() {
    assertThat(ids(Batching.sharesPerWorker(1).split(clients(3), 8)))
        .containsExactly(List.of(100), List.of(101), List.of(102));
    assertThat(Batching.sharesPerWorker(1).split(clients(0), 8)).isEmpty();
  }
}

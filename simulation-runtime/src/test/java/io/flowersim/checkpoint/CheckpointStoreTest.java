package io.flowersim.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.client.Parameters;
import io.flowersim.server.History;
import io.flowersim.strategy.StrategyState;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {

  @TempDir
  Path dir;

  static FlowerSimulationSpec spec() throws Exception {
    return new com.fasterxml.jackson.databind.ObjectMapper(
        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readValue("""
            apiVersion: flowersim.io/v1alpha1
            kind: FlowerSimulation
            metadata: {name: s}
            spec:
              task: synthetic
              taskConfig: {learningRate: "0.1"}
              rounds: 10
              clients: {count: 20}
              strategy: {name: FedAvg, fractionFit: 0.5}
            """, FlowerSimulation.class).getSpec();
  }

  static Checkpoint checkpoint(int round, FlowerSimulationSpec spec) {
    History history = new History("s");
    for (int r = 1; r <= round; r++) {
      RoundRecord record = new RoundRecord();
      record.round = r;
      record.centralizedLoss = 1.0 / r;
      record.distributedMetrics.put("accuracy", 0.1 * r);
      history.add(record);
    }
    Parameters parameters = Parameters.builder()
        .add("w", new int[] {2, 3}, new float[] {1f, -2f, Float.MIN_VALUE, 4.5f, 1e-30f, 6f},
            "float64")
        .add("b", new int[] {1}, new float[] {Float.NaN}).build();
    StrategyState state = StrategyState.empty().put("m", new float[] {0.25f, -1f})
        .put("noisePosition", -123456789L)
        .put("strategy", StrategyState.empty().put("v", new float[] {3f}).put("t", 0.5));
    Map<String, Object> client = new LinkedHashMap<>();
    client.put("fits", round);
    client.put("correction", new float[] {0.1f, 0.2f});
    client.put("budget", 0.75d);
    client.put("steps", 9L);
    client.put("name", "ünïcode");
    client.put("seen", List.of(1, 2, 3));
    client.put("nested", Map.of("flag", true, "bytes", new byte[] {1, 2}));
    client.put("doubles", new double[] {1e300});
    client.put("ints", new int[] {-1});
    client.put("longs", new long[] {Long.MIN_VALUE});
    client.put("f", 1.5f);
    return new Checkpoint(round, SpecDifferences.json(spec), history, parameters, 42L * round,
        state, Map.of(3, client, 17, Map.of("fits", 1)));
  }

  @Test
  void aCheckpointComesBackAsItWasWritten() throws Exception {
    CheckpointStore store = new CheckpointStore(dir);
    Checkpoint written = checkpoint(4, spec());

    CheckpointStore.Written w = store.write(written);
    Checkpoint read = store.newest(w2 -> { }).orElseThrow();

    assertThat(w.bytes()).isEqualTo(Files.size(w.file()));
    assertThat(read.round()).isEqualTo(4);
    assertThat(read.specJson()).isEqualTo(written.specJson());
    assertThat(read.parameters()).isEqualTo(written.parameters());
    assertThat(read.parameters().tensors()).isEqualTo(written.parameters().tensors());
    assertThat(read.parameters().tensors()).extracting(Parameters.Tensor::dtype)
        .containsExactly("float64", "float32");
    assertThat(Float.floatToRawIntBits(read.parameters().values()[6]))
        .isEqualTo(Float.floatToRawIntBits(Float.NaN));
    assertThat(read.samplingPosition()).isEqualTo(168L);
    assertThat(read.strategyState().floats("m").orElseThrow()).containsExactly(0.25f, -1f);
    assertThat(read.strategyState().longValue("noisePosition")).isEqualTo(-123456789L);
    assertThat(read.strategyState().nested("strategy").floats("v").orElseThrow())
        .containsExactly(3f);
    assertThat(read.strategyState().nested("strategy").doubleValue("t")).isEqualTo(0.5);
    Map<String, Object> client = read.clientStates().get(3);
    assertThat(client).containsEntry("fits", 4).containsEntry("budget", 0.75d)
        .containsEntry("steps", 9L).containsEntry("name", "ünïcode").containsEntry("f", 1.5f)
        .containsEntry("seen", List.of(1, 2, 3));
    assertThat((float[]) client.get("correction")).containsExactly(0.1f, 0.2f);
    assertThat((double[]) client.get("doubles")).containsExactly(1e300);
    assertThat((int[]) client.get("ints")).containsExactly(-1);
    assertThat((long[]) client.get("longs")).containsExactly(Long.MIN_VALUE);
    @SuppressWarnings("unchecked")
    Map<String, Object> nested = (Map<String, Object>) client.get("nested");
    assertThat(nested).containsEntry("flag", true);
    assertThat((byte[]) nested.get("bytes")).containsExactly(1, 2);
    assertThat(read.clientStates().keySet()).containsExactly(3, 17);
    assertThat(read.history().rounds()).hasSize(4);
    assertThat(read.history().rounds().get(3).centralizedLoss).isEqualTo(0.25);
    assertThat(read.history().rounds().get(1).distributedMetrics).containsEntry("accuracy", 0.2);
  }

  /**
   * A checkpoint of the first format (written by 01610cc, before tensors kept their dtype: a
   * synthetic run of 4 clients after round 1) is still read, every tensor float32, and written
   * again in the current format.
   */
  @Test
  void aCheckpointOfTheFirstFormatIsStillRead() throws Exception {
    byte[] file;
    try (var in = CheckpointStoreTest.class.getResourceAsStream(
        "/checkpoints/format-1-synthetic-round-1.ckpt")) {
      file = in.readAllBytes();
    }
    assertThat(java.nio.ByteBuffer.wrap(file, 8, 4).getInt())
        .isEqualTo(Checkpoint.FIRST_FORMAT_VERSION);
    Checkpoint read = CheckpointCodec.decode(file);
    assertThat(read.round()).isEqualTo(1);
    assertThat(read.history().rounds()).hasSize(1);
    assertThat(read.parameters().tensors()).isNotEmpty()
        .allSatisfy(t -> assertThat(t.dtype()).isEqualTo(Parameters.FLOAT32));
    assertThat(read.parameters().tensors().stream().mapToInt(Parameters.Tensor::size).sum())
        .isEqualTo(read.parameters().size()).isPositive();

    byte[] again = CheckpointCodec.encode(read);
    assertThat(java.nio.ByteBuffer.wrap(again, 8, 4).getInt())
        .isEqualTo(Checkpoint.FORMAT_VERSION);
    assertThat(CheckpointCodec.decode(again).parameters()).isEqualTo(read.parameters());
  }

  @Test
  void onlyTheNewestFewAreKeptAndNoTemporaryFileStays() throws Exception {
    CheckpointStore store = new CheckpointStore(dir);
    FlowerSimulationSpec spec = spec();
    Files.writeString(dir.resolve(".round-0000000001.ckpt.tmp"), "left by a killed process");
    for (int r = 1; r <= 6; r++) {
      store.write(checkpoint(r, spec));
    }

    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
          "round-0000000004.ckpt", "round-0000000005.ckpt", "round-0000000006.ckpt");
    }
    assertThat(store.newest(w -> { }).orElseThrow().round()).isEqualTo(6);
  }

  @Test
  void aTruncatedOrDamagedNewestFallsBackToTheOneBeforeWithAWarning() throws Exception {
    CheckpointStore store = new CheckpointStore(dir);
    FlowerSimulationSpec spec = spec();
    store.write(checkpoint(1, spec));
    store.write(checkpoint(2, spec));
    Path third = store.write(checkpoint(3, spec)).file();
    Path second = dir.resolve("round-0000000002.ckpt");
    try (RandomAccessFile f = new RandomAccessFile(third.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    byte[] bytes = Files.readAllBytes(second);
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(second, bytes);
    List<String> warnings = new ArrayList<>();

    Checkpoint newest = store.resumable(spec, warnings::add);

    assertThat(newest.round()).isEqualTo(1);
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0)).contains("round-0000000003.ckpt is unreadable (truncated")
        .endsWith("trying the one before");
    assertThat(warnings.get(1)).contains("round-0000000002.ckpt is unreadable (damaged");
  }

  @Test
  void withNoneOrNoneReadableThereIsNothingToResume() throws Exception {
    CheckpointStore store = new CheckpointStore(dir.resolve("checkpoints"));
    assertThatThrownBy(() -> store.resumable(spec(), w -> { }))
        .isInstanceOf(CheckpointStore.NotResumableException.class)
        .hasMessage("no checkpoint in " + dir.resolve("checkpoints") + " to resume from");

    Files.createDirectories(store.directory());
    Files.writeString(store.directory().resolve("round-0000000002.ckpt"), "not one");
    assertThatThrownBy(() -> store.resumable(spec(), w -> { }))
        .hasMessage("no readable checkpoint in " + store.directory() + " (1 unreadable)");
  }

  @Test
  void aCheckpointOfAnotherSpecIsRefusedNamingTheField() throws Exception {
    CheckpointStore store = new CheckpointStore(dir);
    store.write(checkpoint(3, spec()));
    FlowerSimulationSpec other = spec();
    other.strategy.fractionFit = 0.25;

    assertThatThrownBy(() -> store.resumable(other, w -> { }))
        .isInstanceOf(CheckpointStore.NotResumableException.class)
        .hasMessage("the checkpoint after round 3 in " + dir + " was made from another spec: "
            + "strategy.fractionFit: 0.25, but the checkpoint was made with 0.5");
  }

  @Test
  void aClientStateValueACheckpointCannotKeepIsRefusedWithItsClientAndKey() throws Exception {
    Checkpoint c = checkpoint(1, spec());
    Checkpoint bad = new Checkpoint(1, c.specJson(), c.history(), c.parameters(), 0,
        StrategyState.empty(), Map.of(5, Map.of("model", new Object())));

    assertThatThrownBy(() -> new CheckpointStore(dir).write(bad))
        .hasMessageStartingWith("client 5's state.model holds a java.lang.Object; a checkpoint "
            + "keeps booleans, ints");
    try (var files = Files.list(dir)) {
      assertThat(files.toList()).isEmpty();
    }
  }
}

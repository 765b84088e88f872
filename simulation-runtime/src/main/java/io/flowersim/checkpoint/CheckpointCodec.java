package io.flowersim.checkpoint;

import io.flowersim.client.Parameters;
import io.flowersim.server.History;
import io.flowersim.server.HistoryJson;
import io.flowersim.strategy.StrategyState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * A checkpoint as bytes: a magic, the format version, the payload's length, the payload and its
 * CRC-32, so that a truncated or damaged file is recognised as such before anything of it is used.
 */
final class CheckpointCodec {

  private static final byte[] MAGIC = "FLSIMCKP".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADER = MAGIC.length + Integer.BYTES + Long.BYTES;
  private static final int TRAILER = Long.BYTES;

  private CheckpointCodec() {}

  /** A file that is not a whole checkpoint of this format. */
  static final class UnreadableCheckpointException extends IOException {
    UnreadableCheckpointException(String reason) {
      super(reason);
    }
  }

  /**
   * @throws StateValues.UnsupportedValueException a client's state holds a value a checkpoint
   *     cannot keep
   */
  static byte[] encode(Checkpoint c) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(
        HEADER + c.parameters().size() * Float.BYTES * 3 + 64 * 1024);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeInt(Checkpoint.FORMAT_VERSION);
      out.writeLong(0); // the payload's length, filled in below
      out.writeInt(c.round());
      writeText(out, c.specJson());
      writeText(out, HistoryJson.toJson(c.history()));
      writeParameters(out, c.parameters());
      out.writeLong(c.samplingPosition());
      StateValues.writeStrategyState(out, c.strategyState());
      out.writeInt(c.clientStates().size());
      for (Map.Entry<Integer, Map<String, Object>> e : c.clientStates().entrySet()) {
        out.writeInt(e.getKey());
        StateValues.writeMap(out, "client " + e.getKey() + "'s state", e.getValue());
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot happen: writing to memory", e);
    }
    byte[] withoutCrc = bytes.toByteArray();
    long payload = withoutCrc.length - HEADER;
    ByteBuffer.wrap(withoutCrc, MAGIC.length + Integer.BYTES, Long.BYTES).putLong(payload);
    CRC32 crc = new CRC32();
    crc.update(withoutCrc, HEADER, (int) payload);
    byte[] out = Arrays.copyOf(withoutCrc, withoutCrc.length + TRAILER);
    ByteBuffer.wrap(out, withoutCrc.length, TRAILER).putLong(crc.getValue());
    return out;
  }

  static Checkpoint decode(byte[] file) throws UnreadableCheckpointException {
    if (file.length < HEADER + TRAILER
        || !Arrays.equals(file, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new UnreadableCheckpointException("not a flowersim checkpoint (" + file.length
          + " bytes, no header)");
    }
    ByteBuffer header = ByteBuffer.wrap(file, MAGIC.length, Integer.BYTES + Long.BYTES);
    int version = header.getInt();
    if (version != Checkpoint.FORMAT_VERSION && version != Checkpoint.FIRST_FORMAT_VERSION) {
      throw new UnreadableCheckpointException("format version " + version + "; this flowersim "
          + "reads versions " + Checkpoint.FIRST_FORMAT_VERSION + " to "
          + Checkpoint.FORMAT_VERSION);
    }
    long payload = header.getLong();
    if (payload != file.length - HEADER - TRAILER) {
      throw new UnreadableCheckpointException("truncated: " + file.length + " bytes, the header "
          + "says " + (payload + HEADER + TRAILER));
    }
    CRC32 crc = new CRC32();
    crc.update(file, HEADER, (int) payload);
    if (crc.getValue() != ByteBuffer.wrap(file, file.length - TRAILER, TRAILER).getLong()) {
      throw new UnreadableCheckpointException("damaged: the checksum does not match");
    }
    try (DataInputStream in = new DataInputStream(
        new ByteArrayInputStream(file, HEADER, (int) payload))) {
      int round = in.readInt();
      String spec = readText(in);
      History history = HistoryJson.fromJson(readText(in));
      Parameters parameters = readParameters(in, version > Checkpoint.FIRST_FORMAT_VERSION);
      long sampling = in.readLong();
      StrategyState strategy = StrategyState.of(StateValues.readMap(in));
      int clients = StateValues.count(in);
      Map<Integer, Map<String, Object>> states = new TreeMap<>();
      for (int i = 0; i < clients; i++) {
        int id = in.readInt();
        states.put(id, StateValues.readMap(in));
      }
      if (in.available() != 0) {
        throw new UnreadableCheckpointException(in.available() + " bytes after the end");
      }
      return new Checkpoint(round, spec, history, parameters, sampling, strategy, states);
    } catch (UnreadableCheckpointException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // The checksum matched, so this is a writer's bug or another program's file.
      throw new UnreadableCheckpointException("cannot be decoded: " + e);
    }
  }

  private static void writeText(DataOutputStream out, String text) throws IOException {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readText(DataInputStream in) throws IOException {
    int n = StateValues.count(in);
    byte[] utf8 = in.readNBytes(n);
    if (utf8.length != n) {
      throw new IOException("truncated text");
    }
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static void writeParameters(DataOutputStream out, Parameters p) throws IOException {
    out.writeInt(p.tensors().size());
    for (Parameters.Tensor t : p.tensors()) {
      out.writeUTF(t.name());
      int[] shape = t.shape();
      out.writeInt(shape.length);
      for (int d : shape) {
        out.writeInt(d);
      }
      out.writeUTF(t.dtype());
    }
    StateValues.writeFloats(out, p.values());
  }

  private static Parameters readParameters(DataInputStream in, boolean withDtypes)
      throws IOException {
    int n = StateValues.count(in);
    String[] names = new String[n];
    int[][] shapes = new int[n][];
    String[] dtypes = new String[n];
    for (int i = 0; i < n; i++) {
      names[i] = in.readUTF();
      shapes[i] = new int[StateValues.count(in)];
      for (int d = 0; d < shapes[i].length; d++) {
        shapes[i][d] = in.readInt();
      }
      dtypes[i] = withDtypes ? in.readUTF() : Parameters.FLOAT32;
    }
    float[] values = StateValues.readFloats(in);
    Parameters.Builder b = Parameters.builder();
    int offset = 0;
    for (int i = 0; i < n; i++) {
      int size = Arrays.stream(shapes[i]).reduce(1, Math::multiplyExact);
      b.add(names[i], shapes[i], Arrays.copyOfRange(values, offset, offset + size), dtypes[i]);
      offset += size;
    }
    if (offset != values.length) {
      throw new IOException("the tensors hold " + offset + " values, the file " + values.length);
    }
    return b.build();
  }
}

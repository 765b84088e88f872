package io.flowersim.engine.remote;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.client.Config;
import io.flowersim.client.Parameters;
import io.flowersim.task.TaskSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What crosses between the driver and a worker process (a Ray actor or a JVM of the local worker
 * pool), as plain bytes: the task settings once per worker, the global model once per round and
 * worker, then a {@link Batch} of client calls and one {@link BatchReply}, which may carry the sum
 * of the fits' updates instead of each. The model is one contiguous float array plus its layout,
 * written as a single block; calls carry the client's config and persistent state (state values
 * must be Serializable). Ray moves byte[] without its FST serializer, so no flowersim type depends
 * on FST.
 */
public final class Wire {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Wire() {}

  /** The global model's tensor layout; the values follow it as raw floats. */
  private record Layout(String[] names, int[][] shapes) implements Serializable {}

  /** One client call: fit ({@code fit} true) or evaluate. */
  public record Call(int round, boolean fit, int clientId, HashMap<String, Object> config,
      HashMap<String, Object> state) implements Serializable {

    public Call(int round, boolean fit, int clientId, Map<String, ?> config, Map<String, ?> state) {
      this(round, fit, clientId, new HashMap<String, Object>(config),
          new HashMap<String, Object>(state));
    }
  }

  /**
   * What a worker sends back: a result ({@code error} null) or an error, the client's state after
   * the call, and where and when it ran.
   *
   * @param values fit: the trained parameters' values, in the global model's layout
   * @param initHookRuns how many worker init hooks had run in that process by then
   */
  public record Reply(String error, String errorTrace, float[] values, long numExamples,
      double loss, HashMap<String, Double> metrics, HashMap<String, Object> state, String nodeId,
      long pid, long startMillis, long endMillis, int initHookRuns) implements Serializable {

    public boolean failed() {
      return error != null;
    }

    /** This reply without the trained values, once they went into a sum. */
    public Reply withoutValues() {
      return new Reply(error, errorTrace, null, numExamples, loss, metrics, state, nodeId, pid,
          startMillis, endMillis, initHookRuns);
    }
  }

  /**
   * Several clients' calls of one round for one worker, run one after the other.
   *
   * @param sumUpdates the fits' replies leave their values out; the batch reply carries their
   *     example-weighted mean instead
   */
  public record Batch(ArrayList<Call> calls, boolean sumUpdates) implements Serializable {}

  /**
   * A worker's answer to a {@link Batch}: one reply per call, in the batch's order; with
   * {@code sumUpdates}, the example-weighted mean of the successful fits' values ({@code
   * meanValues}, null when none brought an example) and their examples.
   */
  public record BatchReply(ArrayList<Reply> replies, float[] meanValues, long meanExamples) {}

  /** What a BatchReply writes through serialization; the mean follows it as raw floats. */
  private record BatchReplyHead(ArrayList<Reply> replies, boolean hasMean, long meanExamples)
      implements Serializable {}

  public static byte[] batchReply(BatchReply r) {
    return withFloats(new BatchReplyHead(r.replies(), r.meanValues() != null, r.meanExamples()),
        r.meanValues() == null ? new float[0] : r.meanValues());
  }

  public static BatchReply batchReply(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    BatchReplyHead head = head(buffer);
    float[] mean = new float[buffer.remaining() / Float.BYTES];
    buffer.asFloatBuffer().get(mean);
    return new BatchReply(head.replies(), head.hasMean() ? mean : null, head.meanExamples());
  }

  /**
   * A serialized head and then raw little-endian floats: models are millions of floats, which
   * object serialization converts one by one; a buffer copies them in bulk.
   */
  private static byte[] withFloats(Serializable head, float[] values) {
    byte[] h = write(head);
    ByteBuffer buffer = ByteBuffer.allocate(Integer.BYTES + h.length + values.length * Float.BYTES)
        .order(ByteOrder.LITTLE_ENDIAN);
    buffer.putInt(h.length).put(h);
    buffer.asFloatBuffer().put(values);
    return buffer.array();
  }

  /** Reads the head of {@link #withFloats}, leaving {@code buffer} at the first float. */
  private static <T> T head(ByteBuffer buffer) {
    int length = buffer.getInt();
    byte[] h = new byte[length];
    buffer.get(h);
    return read(h);
  }

  /** TaskSettings; the partitioning travels as JSON (a CRD type, not Serializable). */
  private record Settings(HashMap<String, Object> taskConfig, int numClients,
      String partitioningJson) implements Serializable {}

  public static byte[] model(Parameters p) {
    List<Parameters.Tensor> tensors = p.tensors();
    String[] names = new String[tensors.size()];
    int[][] shapes = new int[tensors.size()][];
    for (int i = 0; i < tensors.size(); i++) {
      names[i] = tensors.get(i).name();
      shapes[i] = tensors.get(i).shape();
    }
    return withFloats(new Layout(names, shapes), p.values());
  }

  public static Parameters parameters(byte[] model) {
    ByteBuffer buffer = ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN);
    Layout m = head(buffer);
    FloatBuffer values = buffer.asFloatBuffer();
    Parameters.Builder b = Parameters.builder();
    for (int i = 0; i < m.names().length; i++) {
      int size = 1;
      for (int d : m.shapes()[i]) {
        size *= d;
      }
      float[] v = new float[size];
      values.get(v);
      b.add(m.names()[i], m.shapes()[i], v);
    }
    return b.build();
  }

  public static byte[] settings(TaskSettings s) {
    try {
      return write(new Settings(new HashMap<>(s.taskConfig().asMap()), s.numClients(),
          JSON.writeValueAsString(s.partitioning())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static TaskSettings settings(byte[] bytes) {
    Settings w = read(bytes);
    try {
      return new TaskSettings(Config.of(w.taskConfig()), w.numClients(),
          JSON.readValue(w.partitioningJson(), PartitioningSpec.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] write(Serializable o) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize " + o.getClass().getName()
          + " (client state values must be Serializable)", e);
    }
    return bytes.toByteArray();
  }

  @SuppressWarnings("unchecked")
  public static <T> T read(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
      // A Ray worker loads flowersim from the job's code search path, not the system loader.
      @Override
      protected Class<?> resolveClass(ObjectStreamClass desc)
          throws IOException, ClassNotFoundException {
        try {
          return Class.forName(desc.getName(), false, Wire.class.getClassLoader());
        } catch (ClassNotFoundException e) {
          return super.resolveClass(desc);
        }
      }
    }) {
      return (T) in.readObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}

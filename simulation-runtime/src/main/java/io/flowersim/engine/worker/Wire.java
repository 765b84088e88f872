package io.flowersim.engine.worker;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What crosses between the driver and a worker process (a Ray actor or a JVM of the local worker
 * pool), as plain bytes: the task settings once per worker, the global model once per round and
 * worker, then one call and one reply per client. The model is one contiguous float array plus its
 * layout, written as a single block; calls carry the client's config and persistent state (state
 * values must be Serializable). Ray moves byte[] without its FST serializer, so no flowersim type
 * depends on FST.
 */
public final class Wire {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Wire() {}

  /** The global model: tensor layout plus the contiguous values. */
  private record Model(String[] names, int[][] shapes, float[] values) implements Serializable {}

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
    return write(new Model(names, shapes, p.values()));
  }

  public static Parameters parameters(byte[] model) {
    Model m = read(model);
    Parameters.Builder b = Parameters.builder();
    int offset = 0;
    for (int i = 0; i < m.names().length; i++) {
      int size = 1;
      for (int d : m.shapes()[i]) {
        size *= d;
      }
      float[] v = new float[size];
      System.arraycopy(m.values(), offset, v, 0, size);
      offset += size;
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

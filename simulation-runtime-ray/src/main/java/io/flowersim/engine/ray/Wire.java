package io.flowersim.engine.ray;

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
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What crosses between the driver and the actors, as plain bytes. Ray moves byte[] without its FST
 * serializer (msgpack carries them as raw binary), so no flowersim type depends on FST's handling
 * of records or final fields; the parameters are one float array, written in one block.
 */
final class Wire {

  private static final ObjectMapper JSON = new ObjectMapper();

  private Wire() {}

  /** The global model: tensor layout plus the contiguous values. */
  static final class Model implements Serializable {
    private static final long serialVersionUID = 1L;
    String[] names;
    int[][] shapes;
    float[] values;
  }

  /** One client call. */
  static final class Call implements Serializable {
    private static final long serialVersionUID = 1L;
    int round;
    boolean fit;
    int clientId;
    HashMap<String, Object> config;
    HashMap<String, Object> state;
  }

  /** What the actor sends back: a result or an error, plus where and when it ran. */
  static final class Reply implements Serializable {
    private static final long serialVersionUID = 1L;
    String error;
    String errorTrace;
    float[] values;
    long numExamples;
    double loss;
    HashMap<String, Double> metrics;
    HashMap<String, Object> state;
    String nodeId;
    long pid;
    long startMillis;
    long endMillis;
    int initHookRuns;
  }

  /** TaskSettings; the partitioning travels as JSON (a CRD type, not Serializable). */
  static final class Settings implements Serializable {
    private static final long serialVersionUID = 1L;
    HashMap<String, Object> taskConfig;
    int numClients;
    String partitioningJson;
  }

  static byte[] model(Parameters p) {
    Model m = new Model();
    List<Parameters.Tensor> tensors = p.tensors();
    m.names = new String[tensors.size()];
    m.shapes = new int[tensors.size()][];
    for (int i = 0; i < tensors.size(); i++) {
      m.names[i] = tensors.get(i).name();
      m.shapes[i] = tensors.get(i).shape();
    }
    m.values = p.values();
    return write(m);
  }

  static Parameters parameters(Model m) {
    Parameters.Builder b = Parameters.builder();
    int offset = 0;
    for (int i = 0; i < m.names.length; i++) {
      int size = 1;
      for (int d : m.shapes[i]) {
        size *= d;
      }
      float[] v = new float[size];
      System.arraycopy(m.values, offset, v, 0, size);
      offset += size;
      b.add(m.names[i], m.shapes[i], v);
    }
    return b.build();
  }

  static byte[] settings(TaskSettings s) {
    Settings w = new Settings();
    w.taskConfig = new HashMap<>(s.taskConfig().asMap());
    w.numClients = s.numClients();
    try {
      w.partitioningJson = JSON.writeValueAsString(s.partitioning());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return write(w);
  }

  static TaskSettings settings(byte[] bytes) {
    Settings w = read(bytes);
    try {
      return new TaskSettings(Config.of(w.taskConfig), w.numClients,
          JSON.readValue(w.partitioningJson, PartitioningSpec.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HashMap<String, Object> map(Map<String, ?> m) {
    return new HashMap<>(m);
  }

  static byte[] write(Serializable o) {
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
  static <T> T read(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes)) {
      @Override
      protected Class<?> resolveClass(java.io.ObjectStreamClass desc)
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

package io.flowersim.engine.remote;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flowersim.client.EvaluateResult;
import io.flowersim.client.Parameters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What crosses between the driver and a Python worker (a process of the local pool, a Ray Python
 * actor), in the format of python/flowersim_worker/wire.py, without pickling or Java
 * serialization: a JSON head and a data area, {@code <u32 LE head length><head><data>}, the head
 * naming bytes of the data area as {"at", "n"}. Arrays travel as raw little-endian float32 with
 * their names, shapes and dtypes in the head; the client's state (its Flower Context.state) as
 * the bytes the worker made of it, kept in the driver's {@link
 * io.flowersim.engine.ClientStateStore} under {@link #STATE_KEY}.
 */
public final class PythonWire {

  /** The key of a Flower client's Context.state (bytes) in its {@link io.flowersim.client.ClientState}. */
  public static final String STATE_KEY = "flwr.context.state";

  /** Python's json writes NaN and Infinity; a diverging client may report them. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private PythonWire() {}

  /** A decoded payload: the head and the data area. */
  private record Payload(JsonNode head, ByteBuffer data) {

    byte[] blob(JsonNode ref) {
      if (ref == null || ref.isNull()) {
        return null;
      }
      byte[] b = new byte[ref.path("n").asInt()];
      data.duplicate().position(ref.path("at").asInt()).get(b);
      return b;
    }
  }

  /** Collects the data area of a payload being written. */
  private static final class Blobs {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    ObjectNode add(byte[] data) {
      ObjectNode ref = JSON.createObjectNode().put("at", bytes.size()).put("n", data.length);
      bytes.writeBytes(data);
      return ref;
    }
  }

  private static byte[] encode(JsonNode head, byte[] data) {
    byte[] h;
    try {
      h = JSON.writeValueAsBytes(head);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return ByteBuffer.allocate(Integer.BYTES + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(h.length).put(h).put(data).array();
  }

  private static Payload decode(byte[] payload) {
    ByteBuffer buffer = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    int length = buffer.getInt();
    try {
      JsonNode head = JSON.readTree(new String(payload, Integer.BYTES, length,
          StandardCharsets.UTF_8));
      return new Payload(head, buffer.position(Integer.BYTES + length).slice()
          .order(ByteOrder.LITTLE_ENDIAN));
    } catch (IOException e) {
      throw new UncheckedIOException("a Python worker sent a corrupt payload", e);
    }
  }

  /**
   * What a worker imports once: the app's directory, its ClientApp, run config and initial arrays
   * (null: the app's defaults), how many partitions (clients) there are, and the bytes of GPU
   * memory each client may allocate (null: no cap), which the worker enforces before the import.
   */
  public static byte[] hello(String appDirectory, String clientApp, Map<String, Object> runConfig,
      String initialArrays, int numPartitions, Long gpuMemoryBytes) {
    ObjectNode head = JSON.createObjectNode();
    head.put("app", appDirectory);
    head.put("clientApp", clientApp);
    head.set("runConfig", JSON.valueToTree(runConfig));
    head.put("initialArrays", initialArrays);
    head.put("numPartitions", numPartitions);
    head.put("gpuMemory", gpuMemoryBytes);
    return encode(head, new byte[0]);
  }

  /**
   * What the driver's centralized evaluation imports once: the app's directory and its evaluateFn
   * ({@code python -m flowersim_worker evaluate}).
   */
  public static byte[] evaluatorHello(String appDirectory, String evaluateFn) {
    ObjectNode head = JSON.createObjectNode();
    head.put("app", appDirectory);
    head.put("evaluateFn", evaluateFn);
    return encode(head, new byte[0]);
  }

  /** CALL of the centralized evaluation: the server round of the model sent before it. */
  public static byte[] centralCall(int round) {
    return encode(JSON.createObjectNode().put("round", round), new byte[0]);
  }

  /**
   * The evaluateFn's answer: its result (empty: it returned None), or why it failed ({@code error}
   * one line, {@code trace} Python's traceback); {@code dropped} names the metrics that were not
   * numbers.
   */
  public record CentralReply(Optional<EvaluateResult> result, List<String> dropped, String error,
      String trace) {}

  /** REPLY to {@link #centralCall}. */
  public static CentralReply centralReply(byte[] payload) {
    JsonNode r = decode(payload).head();
    if (r.hasNonNull("error")) {
      return new CentralReply(Optional.empty(), List.of(), r.path("error").asText(),
          r.path("trace").asText());
    }
    if (r.path("none").asBoolean(false)) {
      return new CentralReply(Optional.empty(), List.of(), null, null);
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    r.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(),
        e.getValue().asDouble()));
    List<String> dropped = new ArrayList<>();
    r.path("dropped").forEach(n -> dropped.add(n.asText()));
    return new CentralReply(Optional.of(new EvaluateResult(r.path("loss").asDouble(),
        r.path("examples").asLong(), metrics)), dropped, null, null);
  }

  /** The global model: its layout, each array in the dtype its tensor names. */
  public static byte[] model(Parameters model) {
    ObjectNode head = JSON.createObjectNode();
    ArrayNode arrays = head.putArray("arrays");
    for (Parameters.Tensor t : model.tensors()) {
      ObjectNode a = arrays.addObject().put("name", t.name());
      ArrayNode shape = a.putArray("shape");
      for (int d : t.shape()) {
        shape.add(d);
      }
      a.put("dtype", t.dtype());
    }
    return encode(head, floats(model.values()));
  }

  /** The operation of a batch: fit, evaluate, or the initial model from one client. */
  public enum Operation {
    FIT("fit"), EVALUATE("evaluate"), INITIAL("initial");

    final String wireName;

    Operation(String wireName) {
      this.wireName = wireName;
    }
  }

  /**
   * A batch of calls of one operation and round, each with its config and the client's state;
   * with {@code sumUpdates} (fits only), the worker answers with the example-weighted mean of the
   * successful fits instead of each one's arrays.
   */
  public static byte[] call(Operation operation, int round, List<Wire.Call> calls,
      boolean sumUpdates) {
    ObjectNode head = JSON.createObjectNode().put("op", operation.wireName).put("round", round);
    if (sumUpdates) {
      head.put("sum", true);
    }
    ArrayNode list = head.putArray("calls");
    Blobs blobs = new Blobs();
    for (Wire.Call c : calls) {
      ObjectNode call = list.addObject().put("client", c.clientId());
      call.set("config", JSON.valueToTree(c.config()));
      Object state = c.state() == null ? null : c.state().get(STATE_KEY);
      if (state instanceof byte[] bytes) {
        call.set("state", blobs.add(bytes));
      } else {
        call.putNull("state");
      }
    }
    return encode(head, blobs.bytes.toByteArray());
  }

  /** What a worker said once it had imported the app (or could not). */
  public record Ready(String kind, long pid, String node, String error, String gpuMemory) {}

  /**
   * READY: which API the app uses ("legacy", "message"), the worker's process and node, why it
   * could not import the app (null: it could), what it did about gpuMemory (null: nothing asked).
   */
  public static Ready ready(byte[] payload) {
    JsonNode head = decode(payload).head();
    return new Ready(head.path("kind").asText(""), head.path("pid").asLong(),
        text(head, "node"), text(head, "error"), text(head, "gpuMemory"));
  }

  private static String text(JsonNode head, String field) {
    return head.hasNonNull(field) ? head.path(field).asText() : null;
  }

  /**
   * A worker's replies, one per call in order, as the driver's {@link Wire.BatchReply}; each
   * reply's metric names that were not numbers (so not aggregated) go to {@code dropped}.
   *
   * @param nodeId where the worker runs ("local"), unless the reply names its node (Ray's)
   */
  public static Wire.BatchReply reply(byte[] payload, String nodeId,
      Map<Integer, List<String>> dropped, List<Wire.Call> calls) {
    Payload p = decode(payload);
    if (p.head().hasNonNull("node")) {
      nodeId = p.head().path("node").asText();
    }
    ArrayList<Wire.Reply> replies = new ArrayList<>();
    JsonNode list = p.head().path("replies");
    for (int i = 0; i < list.size(); i++) {
      JsonNode r = list.get(i);
      long pid = r.path("pid").asLong();
      long start = r.path("start").asLong();
      long end = r.path("end").asLong();
      if (r.hasNonNull("error")) {
        replies.add(new Wire.Reply(r.path("error").asText(), r.path("trace").asText(), null, 0,
            0, null, null, nodeId, pid, start, end, 0));
        continue;
      }
      HashMap<String, Double> metrics = new HashMap<>();
      r.path("metrics").fields().forEachRemaining(e -> metrics.put(e.getKey(),
          e.getValue().asDouble()));
      List<String> notNumbers = new ArrayList<>();
      r.path("dropped").forEach(n -> notNumbers.add(n.asText()));
      if (!notNumbers.isEmpty() && i < calls.size()) {
        dropped.put(calls.get(i).clientId(), notNumbers);
      }
      HashMap<String, Object> state = new HashMap<>();
      byte[] stateBytes = p.blob(r.get("state"));
      if (stateBytes != null) {
        state.put(STATE_KEY, stateBytes);
      }
      float[] values = r.has("arrays") ? values(p, r.get("arrays")) : null;
      replies.add(new Wire.Reply(null, null, values, r.path("examples").asLong(),
          r.path("loss").asDouble(), metrics, state, nodeId, pid, start, end, 0));
    }
    JsonNode mean = p.head().path("mean");
    if (mean.isObject()) {
      return new Wire.BatchReply(replies, littleEndianFloats(p.blob(mean.get("values"))),
          mean.path("examples").asLong());
    }
    return new Wire.BatchReply(replies, null, 0);
  }

  /** The arrays of an initial-model reply, each tensor in the dtype the app gave it. */
  public static Parameters initialModel(byte[] payload) {
    Payload p = decode(payload);
    JsonNode r = p.head().path("replies").path(0);
    if (r.hasNonNull("error")) {
      throw new IllegalStateException(r.path("error").asText() + "\n" + r.path("trace").asText());
    }
    JsonNode arrays = r.path("arrays");
    float[] all = values(p, arrays);
    Parameters.Builder builder = Parameters.builder();
    int offset = 0;
    for (JsonNode a : arrays.path("layout")) {
      int[] shape = new int[a.path("shape").size()];
      long size = 1;
      for (int d = 0; d < shape.length; d++) {
        shape[d] = a.path("shape").get(d).asInt();
        size *= shape[d];
      }
      float[] v = new float[(int) size];
      System.arraycopy(all, offset, v, 0, v.length);
      offset += v.length;
      builder.add(a.path("name").asText(), shape, v,
          a.path("dtype").asText(Parameters.FLOAT32));
    }
    return builder.build();
  }

  private static float[] values(Payload p, JsonNode arrays) {
    return littleEndianFloats(p.blob(arrays.get("values")));
  }

  private static float[] littleEndianFloats(byte[] bytes) {
    float[] v = new float[bytes.length / Float.BYTES];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  private static byte[] floats(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b.array();
  }
}

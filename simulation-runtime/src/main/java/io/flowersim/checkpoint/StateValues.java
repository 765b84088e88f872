package io.flowersim.checkpoint;

import io.flowersim.strategy.StrategyState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values a checkpoint keeps for clients and strategies, each with a type tag, so that a value
 * comes back as the type it was (an Integer counter stays an Integer): booleans, ints, longs,
 * floats, doubles, strings, arrays of bytes, ints, longs, floats and doubles, and lists and
 * string-keyed maps of these. Nothing else is written (no Java serialization, so reading a
 * checkpoint runs no code of its own); a value of another type is refused with its key.
 */
final class StateValues {

  private static final int BOOLEAN = 1;
  private static final int INT = 2;
  private static final int LONG = 3;
  private static final int FLOAT = 4;
  private static final int DOUBLE = 5;
  private static final int STRING = 6;
  private static final int BYTES = 7;
  private static final int INTS = 8;
  private static final int LONGS = 9;
  private static final int FLOATS = 10;
  private static final int DOUBLES = 11;
  private static final int LIST = 12;
  private static final int MAP = 13;

  /** What a client's state may hold, for the message that refuses anything else. */
  static final String ALLOWED = "booleans, ints, longs, floats, doubles, strings, arrays of bytes, "
      + "ints, longs, floats or doubles, and lists and string-keyed maps of these";

  private StateValues() {}

  /** A value outside {@link #ALLOWED}; {@code path} names where it was. */
  static final class UnsupportedValueException extends IllegalArgumentException {
    UnsupportedValueException(String path, Object value) {
      super(path + " holds a " + value.getClass().getName() + "; a checkpoint keeps " + ALLOWED);
    }
  }

  static void writeMap(DataOutputStream out, String path, Map<String, ?> map) throws IOException {
    out.writeInt(map.size());
    for (Map.Entry<String, ?> e : map.entrySet()) {
      out.writeUTF(e.getKey());
      write(out, path + "." + e.getKey(), e.getValue());
    }
  }

  static Map<String, Object> readMap(DataInputStream in) throws IOException {
    int n = count(in);
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String key = in.readUTF();
      map.put(key, read(in));
    }
    return map;
  }

  /** A strategy's state, nested states as maps. */
  static void writeStrategyState(DataOutputStream out, StrategyState state) throws IOException {
    writeMap(out, "strategy state", plain(state));
  }

  private static Map<String, Object> plain(StrategyState state) {
    Map<String, Object> map = new LinkedHashMap<>();
    state.asMap().forEach((k, v) -> map.put(k, v instanceof StrategyState s ? plain(s) : v));
    return map;
  }

  private static void write(DataOutputStream out, String path, Object value) throws IOException {
    if (value instanceof Boolean b) {
      out.writeByte(BOOLEAN);
      out.writeBoolean(b);
    } else if (value instanceof Integer i) {
      out.writeByte(INT);
      out.writeInt(i);
    } else if (value instanceof Long l) {
      out.writeByte(LONG);
      out.writeLong(l);
    } else if (value instanceof Float f) {
      out.writeByte(FLOAT);
      out.writeFloat(f);
    } else if (value instanceof Double d) {
      out.writeByte(DOUBLE);
      out.writeDouble(d);
    } else if (value instanceof String s) {
      out.writeByte(STRING);
      byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.writeInt(utf8.length);
      out.write(utf8);
    } else if (value instanceof byte[] a) {
      out.writeByte(BYTES);
      out.writeInt(a.length);
      out.write(a);
    } else if (value instanceof int[] a) {
      out.writeByte(INTS);
      ByteBuffer b = buffer(a.length, Integer.BYTES);
      b.asIntBuffer().put(a);
      out.writeInt(a.length);
      out.write(b.array());
    } else if (value instanceof long[] a) {
      out.writeByte(LONGS);
      ByteBuffer b = buffer(a.length, Long.BYTES);
      b.asLongBuffer().put(a);
      out.writeInt(a.length);
      out.write(b.array());
    } else if (value instanceof float[] a) {
      out.writeByte(FLOATS);
      writeFloats(out, a);
    } else if (value instanceof double[] a) {
      out.writeByte(DOUBLES);
      ByteBuffer b = buffer(a.length, Double.BYTES);
      b.asDoubleBuffer().put(a);
      out.writeInt(a.length);
      out.write(b.array());
    } else if (value instanceof List<?> list) {
      out.writeByte(LIST);
      out.writeInt(list.size());
      for (int i = 0; i < list.size(); i++) {
        write(out, path + "[" + i + "]", list.get(i));
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Object key : map.keySet()) {
        if (!(key instanceof String)) {
          throw new UnsupportedValueException(path + " (a map key)", key);
        }
      }
      out.writeByte(MAP);
      @SuppressWarnings("unchecked")
      Map<String, ?> strings = (Map<String, ?>) map;
      writeMap(out, path, strings);
    } else {
      throw new UnsupportedValueException(path, value);
    }
  }

  private static Object read(DataInputStream in) throws IOException {
    int tag = in.readByte();
    switch (tag) {
      case BOOLEAN:
        return in.readBoolean();
      case INT:
        return in.readInt();
      case LONG:
        return in.readLong();
      case FLOAT:
        return in.readFloat();
      case DOUBLE:
        return in.readDouble();
      case STRING:
        return new String(in.readNBytes(count(in)), java.nio.charset.StandardCharsets.UTF_8);
      case BYTES:
        return bytes(in, count(in));
      case INTS: {
        int n = count(in);
        int[] a = new int[n];
        ByteBuffer.wrap(bytes(in, n * Integer.BYTES)).order(ByteOrder.LITTLE_ENDIAN)
            .asIntBuffer().get(a);
        return a;
      }
      case LONGS: {
        int n = count(in);
        long[] a = new long[n];
        ByteBuffer.wrap(bytes(in, n * Long.BYTES)).order(ByteOrder.LITTLE_ENDIAN)
            .asLongBuffer().get(a);
        return a;
      }
      case FLOATS:
        return readFloats(in);
      case DOUBLES: {
        int n = count(in);
        double[] a = new double[n];
        ByteBuffer.wrap(bytes(in, n * Double.BYTES)).order(ByteOrder.LITTLE_ENDIAN)
            .asDoubleBuffer().get(a);
        return a;
      }
      case LIST: {
        int n = count(in);
        List<Object> list = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
          list.add(read(in));
        }
        return list;
      }
      case MAP:
        return readMap(in);
      default:
        throw new IOException("unknown value tag " + tag);
    }
  }

  /** Little-endian floats in one block: a model of a million parameters is one write. */
  static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    ByteBuffer b = buffer(a.length, Float.BYTES);
    b.asFloatBuffer().put(a);
    out.writeInt(a.length);
    out.write(b.array());
  }

  static float[] readFloats(DataInputStream in) throws IOException {
    int n = count(in);
    float[] a = new float[n];
    ByteBuffer.wrap(bytes(in, n * (long) Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer().get(a);
    return a;
  }

  private static ByteBuffer buffer(int n, int width) {
    return ByteBuffer.allocate(Math.multiplyExact(n, width)).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A length read from the file, refused when negative (a corrupt file, not a huge array). */
  static int count(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("negative length " + n);
    }
    return n;
  }

  private static byte[] bytes(DataInputStream in, long n) throws IOException {
    if (n > Integer.MAX_VALUE - 8) {
      throw new IOException("a block of " + n + " bytes");
    }
    byte[] b = in.readNBytes((int) n);
    if (b.length != n) {
      throw new IOException("truncated: " + b.length + " of " + n + " bytes");
    }
    return b;
  }
}

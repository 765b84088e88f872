package io.flowersim.engine.pool;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;

/**
 * The pool's framing over a worker's stdin and stdout: a type byte, a length, then a payload in
 * the {@link io.flowersim.engine.remote.Wire} format that the Ray backend uses too. The driver sends
 * HELLO once, MODEL once per round (only to workers that run a client of that round), then a CALL
 * per batch of clients ({@link io.flowersim.engine.remote.Wire.Batch}); the worker answers READY
 * (or SETUP_FAILED) once, then one REPLY ({@link io.flowersim.engine.remote.Wire.BatchReply}) per
 * CALL.
 */
final class Frames {

  static final byte HELLO = 1;
  static final byte READY = 2;
  static final byte SETUP_FAILED = 3;
  static final byte MODEL = 4;
  static final byte CALL = 5;
  static final byte REPLY = 6;

  private Frames() {}

  /** What a worker needs to start: the task by name, its settings, the init hook ("" for none). */
  record Hello(String taskName, byte[] settings, String initHook) implements Serializable {}

  record Frame(byte type, byte[] payload) {}

  static void write(DataOutputStream out, byte type, byte[] payload) throws IOException {
    out.writeByte(type);
    out.writeInt(payload.length);
    out.write(payload);
  }

  /** The next frame; {@link java.io.EOFException} when the other side closed the stream. */
  static Frame read(DataInputStream in) throws IOException {
    byte type = in.readByte();
    int length = in.readInt();
    if (length < 0) {
      throw new IOException("corrupt frame: length " + length + " (type " + type + ")");
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, payload);
  }
}

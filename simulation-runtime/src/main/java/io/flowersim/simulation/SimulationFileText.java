package io.flowersim.simulation;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * The text of a simulation file, read only when it is a regular file of a size the API server
 * would also store, and only as UTF-8 (what kubectl reads). A device such as /dev/zero, a FIFO or
 * a directory is refused before anything is read from it.
 */
public final class SimulationFileText {

  /** etcd's default request limit: the API server stores no bigger object. */
  public static final int MAX_BYTES = 1_572_864;

  private static final String TOO_BIG = "larger than " + MAX_BYTES + " bytes, the most the API "
      + "server stores in one object; a FlowerSimulation is a few hundred bytes";

  private SimulationFileText() {}

  public static String read(Path file) throws InvalidSimulationException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new InvalidSimulationException(List.of("no such file"));
    } catch (IOException e) {
      throw new InvalidSimulationException("cannot read: " + e.getMessage(), e);
    }
    if (!attributes.isRegularFile()) {
      throw new InvalidSimulationException(List.of("not a regular file (" + kind(attributes)
          + "); expected a FlowerSimulation YAML file"));
    }
    if (attributes.size() > MAX_BYTES) {
      throw new InvalidSimulationException(List.of(TOO_BIG));
    }
    byte[] bytes;
    // The size can change between the check and the read: read one byte past the limit at most.
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (IOException e) {
      throw new InvalidSimulationException("cannot read: " + e.getMessage(), e);
    }
    if (bytes.length > MAX_BYTES) {
      throw new InvalidSimulationException(List.of(TOO_BIG));
    }
    return decode(bytes);
  }

  /** UTF-8 or a one-line refusal that says where the first byte that is not UTF-8 is. */
  static String decode(byte[] bytes) throws InvalidSimulationException {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    try {
      String text = utf8.decode(buffer).toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (MalformedInputException e) {
      throw new InvalidSimulationException(List.of("not UTF-8 text (byte "
          + (buffer.position() + 1) + " starts no UTF-8 character); save the file as UTF-8"));
    } catch (CharacterCodingException e) {
      throw new InvalidSimulationException(List.of("not UTF-8 text; save the file as UTF-8"));
    }
  }


  private static String kind(BasicFileAttributes attributes) {
    if (attributes.isDirectory()) {
      return "a directory";
    }
    return attributes.isOther() ? "a device, FIFO or socket" : "not a plain file";
  }
}

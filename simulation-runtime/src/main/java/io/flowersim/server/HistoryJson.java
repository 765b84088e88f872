package io.flowersim.server;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** history.json: written atomically, so a reader never sees half a file. */
public final class HistoryJson {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private HistoryJson() {}

  public static String toJson(History history) {
    try {
      synchronized (history) {
        return MAPPER.writeValueAsString(history);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize history", e);
    }
  }

  public static History fromJson(String json) throws IOException {
    return MAPPER.readValue(json, History.class);
  }

  public static void write(History history, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, toJson(history));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public static History read(Path file) throws IOException {
    return fromJson(Files.readString(file));
  }
}

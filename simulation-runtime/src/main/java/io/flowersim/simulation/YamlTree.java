package io.flowersim.simulation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML document as the JSON tree kubectl would send: anchors and aliases expanded (with
 * SnakeYAML's limit on aliased collections against alias bombs), timestamps kept as the strings
 * they were written as. What JSON cannot carry is refused naming the field: keys that are not
 * strings and the non-finite floats {@code .nan}, {@code .inf} and {@code -.inf}.
 */
public final class YamlTree {

  /** Deeper than any FlowerSimulation; also stops a self-referencing alias. */
  static final int MAX_DEPTH = 64;

  /** Aliased collections per document; kubectl's YAML library has a similar cap. */
  static final int MAX_ALIASES = 50;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private YamlTree() {}

  /** The document's tree; null when the text holds no document. */
  public static JsonNode parse(String text) throws InvalidSimulationException {
    List<Object> documents = new ArrayList<>();
    try {
      for (Object document : yaml().loadAll(text)) {
        documents.add(document);
      }
    } catch (MarkedYAMLException e) {
      throw new InvalidSimulationException("malformed YAML" + location(e.getProblemMark()) + ": "
          + e.getProblem(), e);
    } catch (YAMLException e) {
      if (String.valueOf(e.getMessage()).startsWith("Number of aliases")) {
        throw new InvalidSimulationException(List.of("(document): more than " + MAX_ALIASES
            + " aliases of lists or mappings; expand them by hand (this limit stops alias bombs)"));
      }
      throw new InvalidSimulationException("malformed YAML: " + e.getMessage().lines().findFirst()
          .orElse(""), e);
    }
    if (documents.size() > 1) {
      throw new InvalidSimulationException(List.of("(document): the file holds " + documents.size()
          + " YAML documents; expected one FlowerSimulation"));
    }
    return documents.isEmpty() ? null : toJson(documents.get(0), "", 0);
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setAllowRecursiveKeys(false);
    options.setMaxAliasesForCollections(MAX_ALIASES);
    options.setNestingDepthLimit(MAX_DEPTH);
    options.setCodePointLimit(SimulationFileText.MAX_BYTES);
    SafeConstructor constructor = new SafeConstructor(options) {
      {
        // kubectl turns YAML timestamps into JSON strings, as written.
        yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
      }
    };
    return new Yaml(constructor);
  }

  private static JsonNode toJson(Object value, String path, int depth)
      throws InvalidSimulationException {
    if (depth > MAX_DEPTH) {
      throw refused(path, "nested deeper than " + MAX_DEPTH + " levels (or an alias that refers "
          + "to itself)");
    }
    if (value == null) {
      return NODES.nullNode();
    }
    if (value instanceof Map<?, ?> map) {
      ObjectNode object = NODES.objectNode();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw refused(path, "keys must be strings, got " + describe(entry.getKey())
              + " (quote it)");
        }
        object.set(key, toJson(entry.getValue(), child(path, key), depth + 1));
      }
      return object;
    }
    if (value instanceof List<?> list) {
      ArrayNode array = NODES.arrayNode();
      for (int i = 0; i < list.size(); i++) {
        array.add(toJson(list.get(i), (path.isEmpty() ? "(document)" : path) + "[" + i + "]",
            depth + 1));
      }
      return array;
    }
    if (value instanceof String s) {
      return NODES.textNode(s);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (value instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof BigInteger big) {
      return NODES.numberNode(big);
    }
    if (value instanceof Double d) {
      if (!Double.isFinite(d)) {
        throw refused(path, "must be a finite number, got " + yamlSpelling(d));
      }
      return NODES.numberNode(d);
    }
    throw refused(path, "unsupported YAML value " + describe(value) + "; expected a string, "
        + "number, true/false, list or mapping");
  }

  private static InvalidSimulationException refused(String path, String problem) {
    return new InvalidSimulationException(List.of((path.isEmpty() ? "(document)" : path) + ": "
        + problem));
  }

  private static String child(String path, String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Number || value instanceof Boolean) {
      String kind = value instanceof Boolean ? "true/false" : "a number";
      return value + " (" + kind + ")";
    }
    return "a " + value.getClass().getSimpleName();
  }

  private static String yamlSpelling(double value) {
    if (Double.isNaN(value)) {
      return ".nan";
    }
    return value > 0 ? ".inf" : "-.inf";
  }

  private static String location(Mark mark) {
    return mark == null ? "" : " (line " + (mark.getLine() + 1) + ", column "
        + (mark.getColumn() + 1) + ")";
  }
}

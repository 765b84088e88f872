package io.flowersim.simulation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.FlowerAppSpec;
import io.flowersim.api.v1alpha1.validation.FlowerSimulationValidator;
import io.flowersim.api.v1alpha1.validation.ValidationError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads a FlowerSimulation YAML as strictly as kubectl and the API server do (unknown fields,
 * quoted numbers, non-finite floats are errors) and turns every parse problem into one line that
 * names the field and what is allowed.
 */
public final class SimulationFile {

  /**
   * The API server's typing: a number written as a string ({@code rounds: "3"}) or a string field
   * given a number or boolean is refused, not converted.
   */
  private static final ObjectMapper MAPPER = strict();

  private SimulationFile() {}

  /**
   * Reads and validates; the result is a simulation the validator accepts, a relative
   * spec.flowerApp.path resolved against the file's directory.
   */
  public static FlowerSimulation read(Path file) throws InvalidSimulationException {
    FlowerSimulation simulation = parse(SimulationFileText.read(file), file.toString());
    FlowerAppSpec app = simulation.getSpec().flowerApp;
    if (app != null && !Path.of(app.path).isAbsolute()) {
      // On this machine the app lies beside the file, wherever the command runs from.
      Path parent = file.toAbsolutePath().getParent();
      app.path = parent.resolve(app.path).normalize().toString();
    }
    return simulation;
  }

  public static FlowerSimulation parse(String yaml, String source)
      throws InvalidSimulationException {
    if (yaml.isBlank()) {
      throw new InvalidSimulationException(List.of(source + ": the file is empty; expected a "
          + "FlowerSimulation (apiVersion: flowersim.io/v1alpha1, kind: FlowerSimulation)"));
    }
    // Syntax first, so that a YAML error is reported as one, with its line, not as a field.
    JsonNode tree = YamlTree.parse(yaml);
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      throw new InvalidSimulationException(List.of(source + ": no document found"));
    }
    if (!tree.isObject()) {
      throw new InvalidSimulationException(List.of("(document): expected a mapping with "
          + "apiVersion, kind, metadata and spec"));
    }
    List<String> missing = new ArrayList<>();
    for (String field : List.of("apiVersion", "kind")) {
      if (!tree.hasNonNull(field)) {
        missing.add(field + ": required; expected "
            + (field.equals("kind") ? "FlowerSimulation" : FlowerSimulation.API_VERSION));
      }
    }
    if (!missing.isEmpty()) {
      throw new InvalidSimulationException(missing);
    }
    FlowerSimulation simulation;
    try {
      simulation = MAPPER.treeToValue(tree, FlowerSimulation.class);
    } catch (JsonProcessingException e) {
      throw new InvalidSimulationException(describe(e, tree), e);
    }
    List<ValidationError> errors = FlowerSimulationValidator.validate(simulation);
    if (!errors.isEmpty()) {
      throw new InvalidSimulationException(errors.stream().map(ValidationError::toString).toList());
    }
    return simulation;
  }

  private static ObjectMapper strict() {
    ObjectMapper mapper = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();
    for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
        CoercionInputShape.Boolean)) {
      mapper.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
    }
    return mapper;
  }

  private static String describe(JsonProcessingException e, JsonNode tree) {
    if (e instanceof UnrecognizedPropertyException u) {
      String known = u.getKnownPropertyIds() == null ? "" : "; known fields: "
          + sorted(u.getKnownPropertyIds());
      return path(u.getPath(), u.getPropertyName()) + ": unknown field" + known;
    }
    if (e instanceof InvalidFormatException f && f.getTargetType() != null
        && f.getTargetType().isEnum()) {
      return path(f.getPath(), null) + ": unknown value \"" + f.getValue() + "\"; allowed: "
          + enumValues(f.getTargetType());
    }
    if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
      return path(m.getPath(), null) + ": expected " + expected(m.getTargetType())
          + given(at(tree, m.getPath()), m.getTargetType()) + location(m);
    }
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      return path(m.getPath(), null) + ": " + m.getOriginalMessage();
    }
    return "malformed YAML" + location(e) + ": " + e.getOriginalMessage().lines().findFirst()
        .orElse("");
  }

  private static String path(List<JsonMappingException.Reference> refs, String last) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    if (last != null && !sb.toString().endsWith(last)) {
      sb.append(sb.length() > 0 ? "." : "").append(last);
    }
    return sb.length() == 0 ? "(document)" : sb.toString();
  }

  /** The value the user wrote, to say why a quoted number or an unquoted one is refused. */
  private static String given(JsonNode value, Class<?> target) {
    if (value == null || !value.isValueNode()) {
      return "";
    }
    if (value.isTextual() && target != String.class) {
      return ", got the string \"" + value.asText() + "\" (write numbers and true/false unquoted; "
          + "the API server refuses them quoted)";
    }
    if ((value.isNumber() || value.isBoolean()) && target == String.class) {
      return ", got " + (value.isBoolean() ? "" : "the number ") + value + " (quote it: \""
          + value + "\")";
    }
    return ", got " + value;
  }

  private static JsonNode at(JsonNode tree, List<JsonMappingException.Reference> refs) {
    JsonNode node = tree;
    for (JsonMappingException.Reference r : refs) {
      if (node == null) {
        return null;
      }
      node = r.getFieldName() != null ? node.get(r.getFieldName()) : node.get(r.getIndex());
    }
    return node;
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "a different value";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Double.class || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type.isEnum()) {
      return "one of " + enumValues(type);
    }
    return "a mapping (" + type.getSimpleName() + ")";
  }

  private static String location(JsonProcessingException e) {
    JsonLocation l = e.getLocation();
    return l == null || l.getLineNr() < 1 ? "" : " (line " + l.getLineNr() + ", column "
        + l.getColumnNr() + ")";
  }

  private static String sorted(Collection<Object> ids) {
    return ids.stream().map(Object::toString).sorted().collect(Collectors.joining(", "));
  }

  private static String enumValues(Class<?> type) {
    List<String> names = new ArrayList<>();
    for (Object constant : type.getEnumConstants()) {
      Enum<?> e = (Enum<?>) constant;
      try {
        com.fasterxml.jackson.annotation.JsonProperty p = type.getField(e.name())
            .getAnnotation(com.fasterxml.jackson.annotation.JsonProperty.class);
        names.add(p != null ? p.value() : e.name());
      } catch (NoSuchFieldException ex) {
        names.add(e.name());
      }
    }
    return String.join(", ", names);
  }

  /** Fields set in the file that only the operator uses; `flowersim run` says it ignores them. */
  public static List<String> clusterOnlyFields(FlowerSimulation simulation) {
    var spec = simulation.getSpec();
    List<String> fields = new ArrayList<>();
    if (spec.image != null) {
      fields.add("image");
    }
    if (spec.cluster != null) {
      fields.add("cluster");
    }
    if (spec.data != null) {
      fields.add("data");
    }
    if (spec.queueName != null) {
      fields.add("queueName");
    }
    if (spec.priorityClassName != null) {
      fields.add("priorityClassName");
    }
    if (spec.suspend != null) {
      fields.add("suspend");
    }
    if (spec.historyLimit != null) {
      fields.add("historyLimit");
    }
    if (spec.checkpoint != null && spec.checkpoint.persistentVolumeClaim != null) {
      fields.add("checkpoint.persistentVolumeClaim");
    }
    return fields;
  }
}

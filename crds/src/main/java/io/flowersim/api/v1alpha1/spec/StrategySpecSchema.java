package io.flowersim.api.v1alpha1.spec;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes into the CRD's schema of spec.strategy what {@link StrategyName} and
 * {@link StrategyOption} declare, so that the API server and {@code kubectl explain} say what the
 * validator and the runtime do: the name's description, each option's description, its OpenAPI
 * bounds and, for a required option, the CEL rule that requires it. The CRD generator runs it
 * (at process-classes); nothing else does, which is why its dependency is only on the build's
 * classpath.
 */
public final class StrategySpecSchema implements SchemaCustomizer.Customizer {

  @Override
  public JSONSchemaProps apply(JSONSchemaProps schema, String input,
      KubernetesSerialization serialization) {
    List<String> names = Arrays.stream(StrategyName.values()).map(StrategyName::jsonName).toList();
    property(schema, "name").setDescription("Strategy name: "
        + String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1)
        + " (Flower's strategies and its SCAFFOLD baseline). Default " + StrategyName.FED_AVG.jsonName() + ".");
    List<ValidationRule> rules = new ArrayList<>(schema.getXKubernetesValidations());
    for (StrategyOption option : StrategyOption.values()) {
      JSONSchemaProps property = property(schema, option.jsonName());
      property.setDescription(option.description());
      NumberRange range = option.range();
      property.setMinimum(range.min());
      property.setExclusiveMinimum(range.minInclusive() ? null : true);
      property.setMaximum(range.max());
      property.setExclusiveMaximum(range.max() == null || range.maxInclusive() ? null : true);
      rules.addAll(requiredRules(option));
    }
    schema.setXKubernetesValidations(rules);
    return schema;
  }

  /** "!has(self.name) || self.name != 'FedProx' || has(self.proximalMu)" for each name requiring it. */
  private static List<ValidationRule> requiredRules(StrategyOption option) {
    List<String> requiring = option.takenBy().stream()
        .filter(name -> name.argument(option).orElseThrow().isRequired())
        .map(StrategyName::jsonName).toList();
    List<ValidationRule> rules = new ArrayList<>();
    for (String name : requiring) {
      if (name.equals(StrategyName.FED_AVG.jsonName())) {
        throw new IllegalStateException("the default strategy cannot require " + option
            + ": a spec without spec.strategy would be invalid");
      }
      ValidationRule rule = new ValidationRule();
      rule.setRule("!has(self.name) || self.name != '" + name + "' || has(self."
          + option.jsonName() + ")");
      rule.setMessage("spec.strategy." + option.jsonName() + " is required for " + name);
      rule.setFieldPath("." + option.jsonName());
      rules.add(rule);
    }
    return rules;
  }

  private static JSONSchemaProps property(JSONSchemaProps schema, String name) {
    JSONSchemaProps property = schema.getProperties().get(name);
    if (property == null) {
      throw new IllegalStateException("StrategySpec has no field " + name + "; its properties: "
          + schema.getProperties().keySet().stream().collect(Collectors.joining(", ")));
    }
    return property;
  }
}

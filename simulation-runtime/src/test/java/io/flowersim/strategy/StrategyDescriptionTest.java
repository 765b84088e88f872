package io.flowersim.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.ClientsSpec;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.spec.NumberRange;
import io.flowersim.api.v1alpha1.spec.StrategyArgument;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.api.v1alpha1.spec.StrategyOption;
import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.api.v1alpha1.validation.FlowerSimulationValidator;
import io.flowersim.api.v1alpha1.validation.ValidationError;
import io.flowersim.task.TestingTask;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For every strategy name and every option of spec.strategy, the validator (flowersim validate,
 * run and the operator) and the factory (what runs) accept and refuse the same values with the
 * same message, and what is accepted reaches the strategy: a field cannot be accepted by one and
 * refused or dropped by the other. The values are the edges of each option's range.
 */
class StrategyDescriptionTest {

  /** Enough clients that Krum's and Bulyan's bounds hold for every value tried here. */
  private static final int CLIENTS = 1000;

  /** A spec of {@code name} with its required options at a valid value. */
  private static StrategySpec spec(StrategyName name) {
    StrategySpec spec = new StrategySpec();
    spec.name = name;
    for (StrategyArgument argument : name.arguments()) {
      if (argument.isRequired()) {
        set(spec, argument.option(), validValue(argument.option()));
      }
    }
    return spec;
  }

  private static Number validValue(StrategyOption option) {
    NumberRange range = option.range();
    if (range.whole()) {
      return (int) range.min() + 1;
    }
    return range.min() + (range.max() == null ? 0.5 : (range.max() - range.min()) / 2);
  }

  private static void set(StrategySpec spec, StrategyOption option, Number value) {
    try {
      Field field = StrategySpec.class.getField(option.jsonName());
      if (value == null) {
        field.set(spec, null);
      } else if (field.getType() == Integer.class) {
        field.set(spec, value.intValue());
      } else {
        field.set(spec, value.doubleValue());
      }
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("StrategySpec has no field " + option.jsonName(), e);
    }
  }

  private static List<ValidationError> validate(StrategySpec strategy) {
    FlowerSimulation sim = new FlowerSimulation();
    ObjectMeta metadata = new ObjectMeta();
    metadata.setName("edges");
    sim.setMetadata(metadata);
    FlowerSimulationSpec spec = new FlowerSimulationSpec();
    spec.task = "synthetic";
    spec.rounds = 1;
    spec.clients = new ClientsSpec();
    spec.clients.count = CLIENTS;
    spec.strategy = strategy;
    sim.setSpec(spec);
    return FlowerSimulationValidator.validate(sim);
  }

  private static Strategy build(StrategySpec spec) {
    return StrategyFactory.create(spec, new TestingTask(), CLIENTS);
  }

  /** Values at and beyond the edges of the option's range, each with whether it is allowed. */
  private static List<Object[]> edges(NumberRange range) {
    List<Object[]> edges = new ArrayList<>();
    double step = range.whole() ? 1 : 1e-6;
    edges.add(new Object[] {range.min(), range.minInclusive()});
    edges.add(new Object[] {range.min() - step, false});
    edges.add(new Object[] {range.min() + step, true});
    if (range.max() != null) {
      edges.add(new Object[] {range.max(), range.maxInclusive()});
      edges.add(new Object[] {range.max() - step, true});
      edges.add(new Object[] {range.max() + step, false});
    } else if (!range.whole()) {
      edges.add(new Object[] {Double.POSITIVE_INFINITY, false});
      edges.add(new Object[] {Double.NaN, false});
    }
    return edges;
  }

  static Stream<Arguments> namesAndOptions() {
    return Stream.of(StrategyName.values()).flatMap(name -> Stream.of(StrategyOption.values())
        .map(option -> Arguments.of(name, option)));
  }

  @ParameterizedTest(name = "{0}.{1}")
  @MethodSource("namesAndOptions")
  void validatorAndFactoryAgreeOnEveryEdge(StrategyName name, StrategyOption option) {
    String field = "spec.strategy." + option.jsonName();
    for (Object[] edge : edges(option.range())) {
      double value = (double) edge[0];
      boolean allowed = (boolean) edge[1] && name.takes(option);
      StrategySpec spec = spec(name);
      set(spec, option, value);
      String what = name + " with " + option + " = " + value;

      List<ValidationError> errors = validate(spec);
      if (allowed) {
        assertThat(errors).as(what).isEmpty();
        String shown = option.range().whole() ? String.valueOf((int) value)
            : String.valueOf(value);
        assertThat(build(spec).toString()).as(what).contains(option.jsonName() + "=" + shown);
      } else {
        assertThat(errors).as(what).hasSize(1);
        ValidationError error = errors.get(0);
        assertThat(error.field()).as(what).isEqualTo(field);
        assertThat(error.message()).as(what).startsWith(name.takes(option) ? "must be "
            : "applies only to ");
        assertThatThrownBy(() -> build(spec)).as(what)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage(field + " " + error.message());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(StrategyName.class)
  void requiredOptionsLeftOutAreRefusedByBoth(StrategyName name) {
    for (StrategyArgument argument : name.arguments()) {
      if (!argument.isRequired()) {
        continue;
      }
      StrategySpec spec = spec(name);
      set(spec, argument.option(), null);
      String field = "spec.strategy." + argument.option().jsonName();
      assertThat(validate(spec)).containsExactly(
          new ValidationError(field, "is required for " + name.jsonName()));
      assertThatThrownBy(() -> build(spec)).hasMessage(field + " is required for "
          + name.jsonName());
    }
  }

  /**
   * An option left out has its declared default, whether the strategy is built from a spec or
   * from its Java builder.
   */
  @ParameterizedTest
  @EnumSource(StrategyName.class)
  void optionsLeftOutHaveTheDeclaredDefault(StrategyName name) {
    String fromSpec = build(spec(name)).toString();
    for (StrategyArgument argument : name.arguments()) {
      if (argument.isRequired()) {
        continue;
      }
      Number declared = argument.defaultValue();
      String knob = argument.option().jsonName() + "=" + (argument.option().range().whole()
          ? String.valueOf(declared.intValue()) : String.valueOf(declared.doubleValue()));
      assertThat(fromSpec).as(name + " from spec").contains(knob);
    }
    // The Java builders start from the same defaults (with this many clients the factory keeps
    // Flower's minimum of 2 clients as well).
    StrategySpec spec = spec(name);
    SamplingStrategy.Builder<?> builder = StrategyFactory.builder(name);
    if (builder instanceof FedProx.Builder fedProx) {
      fedProx.proximalMu(spec.proximalMu);
    }
    if (builder instanceof MultiKrum.Builder multiKrum) {
      multiKrum.numClientsToKeep(spec.numClientsToKeep);
    }
    assertThat(builder.build().toString()).isEqualTo(fromSpec);
  }
}

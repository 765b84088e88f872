package io.flowersim.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowersim.api.v1alpha1.spec.NumberRange;
import io.flowersim.api.v1alpha1.spec.StrategyArgument;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's table of strategies is what StrategyName declares (the options each takes, their
 * ranges and defaults), which the validator and the runtime follow: a change to a strategy that
 * is not written into the README fails here, printing the table to paste.
 */
class ReadmeStrategyTableTest {

  static final String HEADER = "| name | its own fields (besides the FedAvg sampling knobs): "
      + "values allowed, default |\n|---|---|\n";

  /** The table as the README must hold it, one row per strategy name. */
  static String table() {
    StringBuilder table = new StringBuilder(HEADER);
    for (StrategyName name : StrategyName.values()) {
      String options = name.arguments().isEmpty() ? "—" : name.arguments().stream()
          .map(ReadmeStrategyTableTest::cell).collect(Collectors.joining("; "));
      table.append("| `").append(name.jsonName()).append("` | ").append(options).append(" |\n");
    }
    return table.toString();
  }

  private static String cell(StrategyArgument argument) {
    NumberRange range = argument.option().range();
    return "`" + argument.option().jsonName() + "` " + (range.whole() ? "integer " : "")
        + range.bounds() + ", " + (argument.isRequired() ? "required"
            : "default " + NumberRange.format(argument.defaultValue().doubleValue()));
  }

  @Test
  void readmeTableIsTheDeclaredOne() throws IOException {
    String readme = Files.readString(RepositoryFiles.repositoryRoot().resolve("README.md"));

    assertThat(readme).as("README.md's table of strategies; write it as:%n%n%s", table())
        .contains(table());
  }
}

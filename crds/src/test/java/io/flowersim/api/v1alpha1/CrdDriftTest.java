package io.flowersim.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The CRD committed under manifests/crds/ must be the one the generator makes from the Java types
 * (it runs at process-classes, before this test). Nothing in the build overwrites the committed
 * copy: a change to the types fails here until the developer runs scripts/update-crds.sh and
 * commits the result.
 */
class CrdDriftTest {

  static final String CRD_FILE = "flowersimulations.flowersim.io-v1.yml";

  /** Copies that must always exist, relative to the repository root. */
  static final String MANIFESTS_COPY = "manifests/crds/" + CRD_FILE;

  /** Checked once the Helm chart exists. */
  static final String CHART_DIR = "charts/flowersim";
  static final String CHART_COPY = CHART_DIR + "/crds/" + CRD_FILE;

  @Test
  void manifestsCopyMatchesGeneratedCrd() throws IOException {
    assertSameAsGenerated(MANIFESTS_COPY);
  }

  @Test
  void chartCopyMatchesGeneratedCrdOnceTheChartExists() throws IOException {
    if (Files.isDirectory(RepositoryFiles.repositoryRoot().resolve(CHART_DIR))) {
      assertSameAsGenerated(CHART_COPY);
    }
  }

  private static void assertSameAsGenerated(String committedPath) throws IOException {
    Path generated = RepositoryFiles.crdsModule().resolve(RepositoryFiles.GENERATED_CRD);
    Path committed = RepositoryFiles.repositoryRoot().resolve(committedPath);
    assertThat(generated)
        .withFailMessage("%s is missing: build the crds module up to process-classes "
            + "(mvn -pl crds process-classes) before running this test", generated)
        .isRegularFile();
    if (!Files.isRegularFile(committed)) {
      fail(committedPath + " is missing. Run scripts/update-crds.sh and commit the result.");
    }
    List<String> expected = Files.readAllLines(generated);
    List<String> actual = Files.readAllLines(committed);
    if (!expected.equals(actual)) {
      fail(committedPath + " is out of date with the Java types in crds/ ("
          + firstDifference(expected, actual) + "). Run scripts/update-crds.sh and commit the "
          + "result; never edit the YAML by hand.");
    }
  }

  private static String firstDifference(List<String> expected, List<String> actual) {
    int common = Math.min(expected.size(), actual.size());
    for (int i = 0; i < common; i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        return "first difference at line " + (i + 1) + ": generated '" + expected.get(i).strip()
            + "', committed '" + actual.get(i).strip() + "'";
      }
    }
    return "generated has " + expected.size() + " lines, committed has " + actual.size();
  }
}

package io.flowersim.api.v1alpha1;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of files outside the crds module, for tests that check them. */
final class RepositoryFiles {

  /** Where the crd-generator-maven-plugin writes the CRD (at process-classes, before tests). */
  static final String GENERATED_CRD =
      "target/classes/META-INF/fabric8/flowersimulations.flowersim.io-v1.yml";

  private RepositoryFiles() {}

  /**
   * The crds module's directory: Maven passes it as {@code flowersim.crds.basedir}; elsewhere (an
   * IDE) the working directory is used, whether it is the module or the repository root.
   */
  static Path crdsModule() {
    String basedir = System.getProperty("flowersim.crds.basedir");
    if (basedir != null) {
      return Path.of(basedir).toAbsolutePath().normalize();
    }
    Path workingDir = Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize();
    Path nested = workingDir.resolve("crds");
    return Files.isRegularFile(nested.resolve("pom.xml")) ? nested : workingDir;
  }

  static Path repositoryRoot() {
    return crdsModule().getParent();
  }
}

package io.flowersim.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * What the ITs against real systems (a Ray cluster, a kube-apiserver, helm) do when theirs is not
 * there: skip with a message that says how to start it, or fail when CI=true, where .ci/run has
 * started everything and a missing system is a broken build.
 */
public final class ExternalSystem {

  private ExternalSystem() {}

  /**
   * @param tests which tests cannot run, e.g. "the Ray tests"
   * @param why what is missing and how to start it
   */
  public static void unavailable(String tests, String why) {
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail("CI=true and " + tests + " cannot run: " + why);
    }
    skip(tests, why);
  }

  /**
   * For the one tier that may skip even when CI=true: tests that need what CI machines do not
   * have (a Docker engine for Testcontainers), whose flow CI covers on the script-started systems.
   */
  public static void unavailableEvenInCi(String tests, String why) {
    skip(tests, why);
  }

  private static void skip(String tests, String why) {
    // JUnit reports a class aborted in @BeforeAll as 0 tests run; say it where people look.
    System.err.println("[WARNING] " + tests + " skipped: " + why);
    Assumptions.abort("skipping " + tests + ": " + why);
  }
}

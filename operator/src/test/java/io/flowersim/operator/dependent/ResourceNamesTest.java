package io.flowersim.operator.dependent;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowersim.api.kuberay.RayJob;
import org.junit.jupiter.api.Test;

class ResourceNamesTest {

  static final String DNS_1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";

  @Test
  void aShortLabelNameIsKeptAsItIs() {
    ResourceNames names = new ResourceNames("fmnist-100");
    assertThat(names.rayJob()).isEqualTo("fmnist-100");
    assertThat(names.historyConfigMap()).isEqualTo("fmnist-100-history");
    assertThat(names.runtime()).isEqualTo("fmnist-100-runtime");
  }

  @Test
  void aLongNameIsCutToKubeRaysLimitWithAHashThatKeepsNamesApart() {
    String a = "x".repeat(60) + "-a";
    String b = "x".repeat(60) + "-b";
    String jobA = new ResourceNames(a).rayJob();
    String jobB = new ResourceNames(b).rayJob();
    assertThat(jobA).hasSize(RayJob.NAME_MAX_LENGTH).matches(DNS_1035_LABEL)
        .startsWith("x".repeat(38) + "-");
    assertThat(jobA).isNotEqualTo(jobB);
    assertThat(new ResourceNames(a).rayJob()).as("deterministic").isEqualTo(jobA);
  }

  @Test
  void thePodLabelIsTheNameUpToALabelValuesLengthAndACutWithAHashBeyond() {
    assertThat(new ResourceNames("team.run-1").podLabel()).isEqualTo("team.run-1");
    String longest = "a".repeat(250) + ".b.c";
    String label = new ResourceNames(longest).podLabel();
    assertThat(label).hasSize(ResourceNames.LABEL_VALUE_MAX_LENGTH)
        .matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?").startsWith("a".repeat(54) + "-");
    assertThat(label).isNotEqualTo(new ResourceNames("a".repeat(250) + ".b.d").podLabel());
  }

  @Test
  void dotsAndALeadingDigitMakeAValidLabelThatDiffersFromTheDashedName() {
    String dotted = new ResourceNames("9.team.run").rayJob();
    assertThat(dotted).matches(DNS_1035_LABEL).startsWith("fs-9-team-run-");
    assertThat(new ResourceNames("team.run").rayJob())
        .isNotEqualTo(new ResourceNames("team-run").rayJob());
  }

  @Test
  void suffixedNamesStayWithinTheObjectNameLimit() {
    String longest = "a".repeat(253);
    assertThat(new ResourceNames(longest).historyConfigMap()).hasSize(253).endsWith("-history");
    assertThat(new ResourceNames(longest).runtime()).hasSize(253).endsWith("-runtime");
  }
}

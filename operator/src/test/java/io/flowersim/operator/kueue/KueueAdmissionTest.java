package io.flowersim.operator.kueue;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KueueAdmissionTest {

  /** A Workload with these conditions: type, status, reason, message each. */
  static GenericKubernetesResource workload(String[]... conditions) {
    GenericKubernetesResource w = new GenericKubernetesResource();
    List<Map<String, Object>> list = Arrays.stream(conditions)
        .map(c -> Map.<String, Object>of("type", c[0], "status", c[1], "reason", c[2],
            "message", c[3]))
        .toList();
    w.setAdditionalProperty("status", Map.of("conditions", list));
    return w;
  }

  @Test
  void pendingForQuotaGivesKueuesReasonAndMessage() {
    KueueAdmission a = KueueAdmission.of(workload(
        new String[] {"QuotaReserved", "False", "Pending",
            "couldn't assign flavors to pod set head: insufficient unused quota for "
                + "nvidia.com/gpu in flavor gpu, 1 more needed"}));
    assertThat(a.admitted()).isFalse();
    assertThat(a.reason()).isEqualTo("Pending");
    assertThat(a.message()).contains("insufficient unused quota for nvidia.com/gpu");
  }

  @Test
  void anEvictionOutranksThePendingQuotaUntilQuotaIsReservedAgain() {
    KueueAdmission a = KueueAdmission.of(workload(
        new String[] {"QuotaReserved", "False", "Pending", "no quota"},
        new String[] {"Admitted", "False", "NoReservation", "The workload has no reservation"},
        new String[] {"Evicted", "True", "Preempted", "Preempted to accommodate a workload"}));
    assertThat(a.admitted()).isFalse();
    assertThat(a.reason()).isEqualTo("Preempted");
    assertThat(a.message()).isEqualTo("evicted by Kueue: Preempted to accommodate a workload");
  }

  @Test
  void admittedIsTheAdmittedCondition() {
    KueueAdmission a = KueueAdmission.of(workload(
        new String[] {"QuotaReserved", "True", "QuotaReserved", "Quota reserved in ClusterQueue q"},
        new String[] {"Admitted", "True", "Admitted", "The workload is admitted"},
        new String[] {"Evicted", "False", "QuotaReserved", "Previously: preempted"}));
    assertThat(a).isEqualTo(new KueueAdmission(true, "Admitted", "The workload is admitted"));
  }

  @Test
  void reservedButNotAdmittedWaitsForAdmissionChecks() {
    KueueAdmission a = KueueAdmission.of(workload(
        new String[] {"QuotaReserved", "True", "QuotaReserved", "Quota reserved in ClusterQueue q"}));
    assertThat(a.admitted()).isFalse();
    assertThat(a.reason()).isEqualTo("QuotaReserved");
    assertThat(a.message()).contains("admission checks");
  }

  @Test
  void noWorkloadOrNoConditionsYetIsPending() {
    assertThat(KueueAdmission.of(null)).isEqualTo(KueueAdmission.noWorkload());
    KueueAdmission fresh = KueueAdmission.of(new GenericKubernetesResource());
    assertThat(fresh.admitted()).isFalse();
    assertThat(fresh.reason()).isEqualTo("WorkloadPending");
  }
}

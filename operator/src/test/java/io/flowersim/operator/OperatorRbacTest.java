package io.flowersim.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.operator.reconciler.FlowerSimulationReconciler;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * manifests/operator/rbac.yaml (which the chart's rules equal, ChartIT) grants what the operator
 * uses and nothing more: a resource per owned kind of the reconciler's workflow, plus the few
 * it reads or writes by hand; never Secrets, no wildcards, no delete (garbage collection removes
 * what it owns). The ITs run the operator under these rules, so a verb it uses and lacks fails
 * there.
 */
class OperatorRbacTest {

  /** Besides the workflow's dependents, with who uses them. */
  static final Set<String> BY_HAND = Set.of(
      "flowersim.io/flowersimulations",          // the primary resource
      "flowersim.io/flowersimulations/status",   // its status, the reconciler's patch
      "/events",                                 // SimulationEvents; ClusterInspection reads them
      "/pods",                                   // ClusterInspection lists a cluster's pods
      "kueue.x-k8s.io/workloads");               // KueueWorkloads, the admission of queued jobs

  static List<PolicyRule> rules() throws IOException {
    Path file = Path.of(System.getProperty("flowersim.repository.root", ".."))
        .resolve("manifests/operator/rbac.yaml");
    try (InputStream in = Files.newInputStream(file)) {
      List<HasMetadata> items = Serialization.unmarshal(in);
      return items.stream().filter(ClusterRole.class::isInstance)
          .map(o -> ((ClusterRole) o).getRules()).findFirst().orElseThrow();
    }
  }

  @Test
  void grantsTheResourcesTheOperatorUsesAndNoOthers() throws IOException {
    Set<String> granted = new TreeSet<>();
    for (PolicyRule rule : rules()) {
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          granted.add(group + "/" + resource);
        }
      }
    }
    Set<String> used = new TreeSet<>(BY_HAND);
    for (Dependent dependent : FlowerSimulationReconciler.class.getAnnotation(Workflow.class)
        .dependents()) {
      Class<? extends HasMetadata> kind = ownedKind(dependent.type());
      used.add(HasMetadata.getGroup(kind) + "/" + HasMetadata.getPlural(kind));
    }
    assertThat(used).contains("networking.k8s.io/networkpolicies", "ray.io/rayjobs");
    assertThat(granted).isEqualTo(used);
  }

  @Test
  void neverSecretsNoWildcardsAndNoDelete() throws IOException {
    assertThat(rules()).isNotEmpty().allSatisfy(rule -> {
      assertThat(rule.getResources()).doesNotContain("secrets", "*");
      assertThat(rule.getApiGroups()).doesNotContain("*");
      assertThat(rule.getVerbs()).doesNotContain("*", "delete", "deletecollection", "escalate",
          "bind", "impersonate");
      assertThat(rule.getResourceNames()).isNullOrEmpty();
      assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
    });
  }

  /** R of a KubernetesDependentResource&lt;R, FlowerSimulation&gt; subclass. */
  @SuppressWarnings("unchecked")
  static Class<? extends HasMetadata> ownedKind(Class<?> dependent) {
    for (Class<?> c = dependent; c != null; c = c.getSuperclass()) {
      Type parent = c.getGenericSuperclass();
      if (parent instanceof ParameterizedType p && p.getActualTypeArguments().length == 2
          && p.getActualTypeArguments()[1] == FlowerSimulation.class) {
        return (Class<? extends HasMetadata>) p.getActualTypeArguments()[0];
      }
    }
    throw new IllegalArgumentException(dependent + " is not a dependent of FlowerSimulation");
  }
}

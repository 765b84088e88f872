package io.flowersim.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowersim.testing.ExternalSystem;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * charts/flowersim as Helm renders it: lint-clean, every rendered object admitted by the real API
 * server (server-side dry run), cluster-wide or per-namespace RBAC as the values say, and the same
 * rules as manifests/operator/rbac.yaml, which the operator ITs run under.
 */
class ChartIT {

  static final Path ROOT = Path.of(System.getProperty("flowersim.repository.root", ".."));
  static final Path CHART = ROOT.resolve("charts/flowersim");

  static KubernetesClient client;
  static String kubeVersion;

  @BeforeAll
  static void connect() {
    client = KubeApiServer.connect();
    var version = client.getKubernetesVersion();
    kubeVersion = version.getMajor() + "." + version.getMinor().replaceAll("\\D.*", "") + ".0";
    try {
      helm("version", "--short");
    } catch (IOException e) {
      String message = "helm is not on PATH (eval \"$(scripts/kube-control-plane.sh env)\" puts "
          + "the one the script builds there)";
      ExternalSystem.unavailable("the chart tests", message);
    }
  }

  static String helm(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("helm"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("helm " + String.join(" ", args) + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return out;
  }

  static List<HasMetadata> render(String... sets) throws IOException {
    List<String> args = new ArrayList<>(List.of("template", "flowersim", CHART.toString(),
        "--namespace", "flowersim-system", "--kube-version", kubeVersion));
    for (String set : sets) {
      args.add("--set");
      args.add(set);
    }
    String yaml = helm(args.toArray(String[]::new));
    return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
  }

  static void namespace(String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .endMetadata().build()).serverSideApply();
  }

  @Test
  void lintsClean() throws IOException {
    assertThat(helm("lint", "--strict", CHART.toString(), "--kube-version", kubeVersion))
        .contains("0 chart(s) failed");
  }

  @Test
  void everyRenderedObjectPassesTheApiServersValidation() throws IOException {
    namespace("flowersim-system");
    List<HasMetadata> objects = render("metrics.service.enabled=true");
    assertThat(objects).extracting(HasMetadata::getKind).contains("ServiceAccount",
        "ClusterRole", "ClusterRoleBinding", "Deployment", "Service");
    for (HasMetadata o : objects) {
      HasMetadata admitted = client.resource(o).dryRun().serverSideApply();
      assertThat(admitted.getMetadata().getName()).isEqualTo(o.getMetadata().getName());
    }
    Deployment d = objects.stream().filter(Deployment.class::isInstance)
        .map(Deployment.class::cast).findFirst().orElseThrow();
    var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("flowersim/operator:0.1.0");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getEnv()).anySatisfy(e -> {
      assertThat(e.getName()).isEqualTo("FLOWERSIM_WATCH_NAMESPACES");
      assertThat(e.getValue()).isEmpty();
    });
    // The NetworkPolicies admit the operator's own pods: its namespace and pod labels, as the
    // operator reads them.
    Map<String, String> env = container.getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValue() == null ? "" : e.getValue()));
    OperatorSettings settings = OperatorSettings.fromEnvironment(env);
    assertThat(settings.controllers().flowersim().namespace()).isEqualTo("flowersim-system");
    assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(settings.controllers().flowersim().labels());
    assertThat(settings.controllers().flowersim().labels())
        .containsEntry("app.kubernetes.io/instance", "flowersim");
    assertThat(settings.controllers().kubeRay()).isEqualTo(ControllerPods.defaults().kubeRay());
  }

  @Test
  void watchedNamespacesGetRolesAndNothingClusterWide() throws IOException {
    namespace("flowersim-system");
    namespace("chart-team-a");
    namespace("chart-team-b");
    List<HasMetadata> objects = render("watchNamespaces={chart-team-a,chart-team-b}");
    assertThat(objects).extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding");
    assertThat(objects).filteredOn(Role.class::isInstance)
        .extracting(o -> o.getMetadata().getNamespace())
        .containsExactlyInAnyOrder("chart-team-a", "chart-team-b");
    for (HasMetadata o : objects) {
      client.resource(o).dryRun().serverSideApply();
    }
    Deployment d = objects.stream().filter(Deployment.class::isInstance)
        .map(Deployment.class::cast).findFirst().orElseThrow();
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(e -> {
          assertThat(e.getName()).isEqualTo("FLOWERSIM_WATCH_NAMESPACES");
          assertThat(e.getValue()).isEqualTo("chart-team-a,chart-team-b");
        });
  }

  @Test
  void grantsExactlyTheRulesTheOperatorIsTestedWith() throws IOException {
    List<PolicyRule> chart = render().stream().filter(ClusterRole.class::isInstance)
        .map(o -> ((ClusterRole) o).getRules()).findFirst().orElseThrow();
    List<PolicyRule> manifest;
    try (InputStream in = Files.newInputStream(ROOT.resolve(KubeApiServer.OPERATOR_RBAC_FILE))) {
      manifest = client.load(in).items().stream().filter(ClusterRole.class::isInstance)
          .map(o -> ((ClusterRole) o).getRules()).findFirst().orElseThrow();
    }
    assertThat(chart).isEqualTo(manifest);
    // Namespaced, the same rules in each Role; the operator never reads Secrets (OperatorRbacTest
    // checks the manifest's rules against what the operator uses).
    List<Role> roles = render("watchNamespaces={chart-team-a,chart-team-b}").stream()
        .filter(Role.class::isInstance).map(Role.class::cast).toList();
    assertThat(roles).hasSize(2).allSatisfy(role -> assertThat(role.getRules())
        .isEqualTo(manifest));
    assertThat(manifest).allSatisfy(rule -> assertThat(rule.getResources())
        .doesNotContain("secrets", "*"));
  }
}

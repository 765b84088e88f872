package io.flowersim.operator;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.testing.ExternalSystem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assertions;

/**
 * The real kube-apiserver of the ITs: the one KUBECONFIG points at (scripts/kube-control-plane.sh
 * start, then eval "$(scripts/kube-control-plane.sh env)"). Skips the tests with a clear message
 * when none answers; fails them when CI=true. Applies our CRD from manifests/crds/ (KubeRay's
 * come with the control plane, from KubeRay's Go module).
 */
final class KubeApiServer {

  static final String CRD_FILE = "manifests/crds/flowersimulations.flowersim.io-v1.yml";
  static final String OPERATOR_RBAC_FILE = "manifests/operator/rbac.yaml";
  static final String OPERATOR_NAMESPACE = "flowersim-system";
  static final String OPERATOR_SERVICE_ACCOUNT = "flowersim-operator";
  /**
   * A namespace with this label set to "disabled" is not managed by the Kueue of
   * scripts/kube-control-plane.sh start --full (its managedJobsNamespaceSelector).
   */
  static final String KUEUE_OPT_OUT = "flowersim.io/kueue";

  /**
   * A namespace with this label set to "disabled" is out of reach of the KubeRay operator of
   * scripts/kube-control-plane.sh start --full (an admission policy refuses its writes there).
   */
  static final String KUBERAY_OPT_OUT = "flowersim.io/kuberay";

  private KubeApiServer() {}

  /** A client for the API server, with our CRD applied; or the test is skipped. */
  static KubernetesClient connect() {
    String kubeconfig = System.getenv("KUBECONFIG");
    String problem = null;
    KubernetesClient client = null;
    if (kubeconfig == null || kubeconfig.isBlank()) {
      problem = "KUBECONFIG is not set";
    } else {
      Config config = new ConfigBuilder(Config.autoConfigure(null))
          .withConnectionTimeout(3_000).withRequestTimeout(10_000).build();
      client = new KubernetesClientBuilder().withConfig(config).build();
      try {
        client.getKubernetesVersion();
      } catch (RuntimeException e) {
        problem = "no API server answers at " + config.getMasterUrl() + " (" + e.getMessage()
            + ")";
        client.close();
      }
    }
    if (problem != null) {
      String message = problem + "; start one with scripts/kube-control-plane.sh start and "
          + "eval \"$(scripts/kube-control-plane.sh env)\"";
      ExternalSystem.unavailable("the Kubernetes tests", message);
    }
    requireCrd(client, RayJob.PLURAL + "." + RayJob.GROUP,
        "KubeRay's CRDs are missing: scripts/kube-control-plane.sh start applies them");
    applyOurCrd(client);
    return client;
  }

  /**
   * A client that acts as the operator's ServiceAccount with exactly the RBAC of
   * manifests/operator/rbac.yaml, so that a verb the operator uses but the manifest lacks fails
   * the tests.
   */
  static KubernetesClient asOperator(KubernetesClient admin) {
    if (admin.namespaces().withName(OPERATOR_NAMESPACE).get() == null) {
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata()
          .withName(OPERATOR_NAMESPACE).endMetadata().build()).serverSideApply();
    }
    try (InputStream in = Files.newInputStream(repositoryFile(OPERATOR_RBAC_FILE))) {
      admin.load(in).forceConflicts().serverSideApply();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + OPERATOR_RBAC_FILE, e);
    }
    return asServiceAccount(admin, OPERATOR_NAMESPACE, OPERATOR_SERVICE_ACCOUNT);
  }

  /** A client that acts as a ServiceAccount (the admin may impersonate anyone). */
  static KubernetesClient asServiceAccount(KubernetesClient admin, String namespace,
      String serviceAccount) {
    Config config = new ConfigBuilder(admin.getConfiguration())
        .withImpersonateUsername("system:serviceaccount:" + namespace + ":" + serviceAccount)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  static Path repositoryFile(String path) {
    return Path.of(System.getProperty("flowersim.repository.root", "..")).resolve(path);
  }

  static void applyOurCrd(KubernetesClient client) {
    applyCrd(client, repositoryFile(CRD_FILE),
        "the FlowerSimulation CRD did not become Established");
  }

  /** Server-side (KubeRay's CRDs are too large for client-side apply's annotation). */
  static void applyCrd(KubernetesClient client, Path file, String problem) {
    CustomResourceDefinition crd;
    try (InputStream in = Files.newInputStream(file)) {
      crd = client.apiextensions().v1().customResourceDefinitions().load(in).item();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
    client.resource(crd).forceConflicts().serverSideApply();
    requireCrd(client, crd.getMetadata().getName(), problem);
  }

  static void requireCrd(KubernetesClient client, String name, String problem) {
    try {
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        CustomResourceDefinition crd =
            client.apiextensions().v1().customResourceDefinitions().withName(name).get();
        return crd != null && crd.getStatus() != null && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
      });
    } catch (ConditionTimeoutException e) {
      Assertions.fail(problem + " (" + name + ")");
    }
  }

  /** An example of examples/ as a user applies it. */
  static FlowerSimulation loadExample(KubernetesClient client, String path) {
    try (InputStream in = Files.newInputStream(repositoryFile(path))) {
      return client.resources(FlowerSimulation.class).load(in).item();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }

  /** A node whose kubelet (or KWOK) says Ready. */
  static boolean ready(io.fabric8.kubernetes.api.model.Node node) {
    return node.getStatus() != null && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** A fresh namespace for one test. */
  static String newNamespace(KubernetesClient client, String prefix) {
    return newNamespace(client, prefix, Map.of());
  }

  /**
   * A fresh namespace where the real KubeRay operator of start --full cannot write, for tests
   * that write RayJob status as KubeRay would (or that must see only our operator's writes).
   */
  static String newNamespaceWithoutControllers(KubernetesClient client, String prefix) {
    return newNamespace(client, prefix,
        Map.of(KUBERAY_OPT_OUT, "disabled", KUEUE_OPT_OUT, "disabled"));
  }

  private static String newNamespace(KubernetesClient client, String prefix,
      Map<String, String> labels) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .withLabels(labels).endMetadata().build()).create();
    return name;
  }
}

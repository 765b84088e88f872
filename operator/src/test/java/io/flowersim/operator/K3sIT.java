package io.flowersim.operator;

import static io.flowersim.operator.FlowerSimulationOperatorIT.assertOwnedBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.status.FlowerSimulationStatus;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.testing.ExternalSystem;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The operator against k3s in Docker (Testcontainers), the way a developer with a Docker engine
 * tries the chain: our CRD and KubeRay's (from KubeRay's Go module, as
 * scripts/kube-control-plane.sh reads them), the operator in this JVM as its ServiceAccount,
 * examples/quickstart.yaml applied → RayJob, history ConfigMap and the runtime's RBAC, status
 * Pending (k3s has no KubeRay operator to start the job).
 *
 * <p>Skipped with a message where no Docker engine answers, also under CI=true: the one tier
 * allowed to skip in CI, whose machines have no Docker; the same flow runs there on the script's
 * control plane (FlowerSimulationOperatorIT, GpuPoolsIT).
 */
@EnabledIf(value = "dockerAnswers", disabledReason = K3sIT.NO_DOCKER)
class K3sIT {

  static final String K3S_IMAGE = "rancher/k3s:v1.34.1-k3s1";
  /** Same as KUBERAY_VERSION in scripts/kube-control-plane.sh. */
  static final String KUBERAY_MODULE = "github.com/ray-project/kuberay/ray-operator@v1.5.0";
  static final String TESTS = "the k3s tests";
  static final String NO_DOCKER = "no Docker engine answers (Testcontainers looks at DOCKER_HOST "
      + "and /var/run/docker.sock); they need one and the image " + K3S_IMAGE;
  static final Duration WAIT = Duration.ofSeconds(60);

  static K3sContainer k3s;
  static KubernetesClient client;
  static KubernetesClient operatorClient;

  /**
   * A disabled class is reported with its tests skipped (an abort in @BeforeAll would read
   * "0 tests run"); this says why where people look, like ExternalSystem does.
   */
  static boolean dockerAnswers() {
    boolean answers = DockerClientFactory.instance().isDockerAvailable();
    if (!answers) {
      System.err.println("[WARNING] " + TESTS + " skipped: " + NO_DOCKER);
    }
    return answers;
  }

  @BeforeAll
  static void start() {
    Path kubeRayCrds = kubeRayCrds();
    k3s = new K3sContainer(DockerImageName.parse(K3S_IMAGE));
    k3s.start();
    client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(k3s.getKubeConfigYaml())).build();
    for (String plural : new String[] {RayJob.PLURAL, "rayclusters"}) {
      KubeApiServer.applyCrd(client, kubeRayCrds.resolve(RayJob.GROUP + "_" + plural + ".yaml"),
          "KubeRay's CRD did not become Established on k3s");
    }
    KubeApiServer.applyOurCrd(client);
    operatorClient = KubeApiServer.asOperator(client);
  }

  /** config/crd/bases of KubeRay's Go module, downloaded into the module cache if need be. */
  static Path kubeRayCrds() {
    try {
      Process go = new ProcessBuilder("go", "mod", "download", "-json", KUBERAY_MODULE)
          .directory(new File("/")).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String json = new String(go.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (go.waitFor(5, TimeUnit.MINUTES) && go.exitValue() == 0) {
        return Path.of(new ObjectMapper().readTree(json).path("Dir").asText())
            .resolve("config/crd/bases");
      }
      ExternalSystem.unavailableEvenInCi(TESTS, "go mod download " + KUBERAY_MODULE
          + " failed: " + json.strip());
    } catch (IOException e) {
      ExternalSystem.unavailableEvenInCi(TESTS, "go is not on PATH (KubeRay's CRDs come from "
          + "its Go module): " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    throw new IllegalStateException("unreachable: unavailableEvenInCi aborts");
  }

  @AfterAll
  static void stop() {
    if (operatorClient != null) {
      operatorClient.close();
    }
    if (client != null) {
      client.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
  }

  @Test
  void theQuickstartGetsItsRayJobHistoryAndRbacAndWaitsPending() {
    String namespace = KubeApiServer.newNamespace(client, "fsim-k3s");
    try (FlowerSimulationOperator operator =
        FlowerSimulationOperatorIT.startOperator(operatorClient, namespace)) {
      FlowerSimulation sim = KubeApiServer.loadExample(client, "examples/quickstart.yaml");
      FlowerSimulation created = client.resources(FlowerSimulation.class).inNamespace(namespace)
          .resource(sim).create();
      String name = created.getMetadata().getName();

      RayJob job = await().atMost(WAIT).until(() -> client.resources(RayJob.class)
          .inNamespace(namespace).withName(name).get(), j -> j != null);
      assertOwnedBy(job, created);
      assertThat(job.getSpec().entrypoint).contains("io.flowersim.runtime.Main");
      String runtime = name + "-runtime";
      await().atMost(WAIT).untilAsserted(() -> {
        assertOwnedBy(client.configMaps().inNamespace(namespace).withName(name + "-history")
            .get(), created);
        assertOwnedBy(client.serviceAccounts().inNamespace(namespace).withName(runtime).get(),
            created);
        assertOwnedBy(client.rbac().roles().inNamespace(namespace).withName(runtime).get(),
            created);
        assertOwnedBy(client.rbac().roleBindings().inNamespace(namespace).withName(runtime)
            .get(), created);
      });
      FlowerSimulationStatus status = await().atMost(WAIT).until(() -> client
          .resources(FlowerSimulation.class).inNamespace(namespace).withName(name).get()
          .getStatus(), s -> s != null && s.rayJobName != null);
      assertThat(status.phase).isEqualTo(SimulationPhase.Pending);
      assertThat(status.rayJobName).isEqualTo(name);
      assertThat(status.historyConfigMap).isEqualTo(name + "-history");
      assertThat(status.totalRounds).isEqualTo(sim.getSpec().rounds);
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }
}

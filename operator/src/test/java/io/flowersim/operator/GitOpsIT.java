package io.flowersim.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.runtime.Main;
import io.flowersim.simulation.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What Argo CD and Flux do: server-side apply the same manifest again and again under one field
 * manager. The operator must leave the spec to them (else every sync shows a diff) and must not
 * rewrite what it owns once the simulation has finished (else the resource never looks synced).
 * Runs on the plain control plane and on --full.
 */
class GitOpsIT {

  static final String EXAMPLE = "examples/quickstart.yaml";
  /** Flux's kustomize-controller applies under this name (Argo CD: argocd-controller). */
  static final String APPLIER = "kustomize-controller";
  static final Duration WAIT = Duration.ofSeconds(60);

  static KubernetesClient client;
  static KubernetesClient operatorClient;

  String namespace;
  FlowerSimulationOperator operator;

  @BeforeAll
  static void connect() {
    client = KubeApiServer.connect();
    operatorClient = KubeApiServer.asOperator(client);
  }

  @AfterAll
  static void disconnect() {
    if (operatorClient != null) {
      operatorClient.close();
    }
  }

  @BeforeEach
  void startOperator() {
    // Only our operator's writes count here: a real KubeRay operator (start --full) stays out.
    namespace = KubeApiServer.newNamespaceWithoutControllers(client, "fsim-gitops");
    operator = FlowerSimulationOperatorIT.startOperator(operatorClient, namespace);
  }

  @AfterEach
  void stop() {
    if (operator != null) {
      operator.close();
    }
    client.namespaces().withName(namespace).delete();
  }

  @Test
  void applyingTheSameManifestTwiceChangesNothingAndAFinishedSimulationStaysStill()
      throws IOException {
    String manifest = Files.readString(KubeApiServer.repositoryFile(EXAMPLE));
    FlowerSimulation first = apply(manifest);
    String name = first.getMetadata().getName();
    assertThat(first.getMetadata().getGeneration()).isEqualTo(1L);

    RayJob job = await().atMost(WAIT).until(() -> rayJob(name), j -> j != null);
    // The runtime runs here as the Ray head would (FlowerSimulationOperatorIT does the same).
    try (KubernetesClient runtime =
        KubeApiServer.asServiceAccount(client, namespace, name + "-runtime")) {
      assertThat(Main.run(FlowerSimulationOperatorIT.headEnvironment(job), runtime))
          .isEqualTo(ExitCode.OK);
    }
    FlowerSimulation finished = await().atMost(WAIT).until(() -> simulation(name),
        s -> s.getStatus() != null && s.getStatus().phase == SimulationPhase.Succeeded);
    assertThat(finished.getStatus().observedGeneration).isEqualTo(1L);
    List<String> versions = resourceVersions(name);

    FlowerSimulation second = apply(manifest);
    assertThat(second.getMetadata().getResourceVersion())
        .as("a second apply of the same manifest writes nothing")
        .isEqualTo(finished.getMetadata().getResourceVersion());
    assertThat(second.getMetadata().getGeneration()).isEqualTo(1L);
    assertSpecManagedOnlyBy(second, APPLIER);

    // No status flapping, no RayJob or ConfigMap rewritten: nothing changes once finished.
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8))
        .until(() -> resourceVersions(name).equals(versions));
    FlowerSimulation after = simulation(name);
    assertThat(after.getMetadata().getGeneration()).isEqualTo(1L);
    assertSpecManagedOnlyBy(after, APPLIER);
  }

  /** Server-side apply of the manifest's text as it is, the way a GitOps controller sends it. */
  FlowerSimulation apply(String manifest) {
    GenericKubernetesResource resource = client.getKubernetesSerialization()
        .unmarshal(manifest, GenericKubernetesResource.class);
    resource.getMetadata().setNamespace(namespace);
    client.resource(resource).fieldManager(APPLIER).forceConflicts().serverSideApply();
    return simulation(resource.getMetadata().getName());
  }

  static void assertSpecManagedOnlyBy(HasMetadata resource, String manager) {
    List<ManagedFieldsEntry> specOwners = resource.getMetadata().getManagedFields().stream()
        .filter(f -> f.getFieldsV1() != null
            && f.getFieldsV1().getAdditionalProperties().containsKey("f:spec"))
        .toList();
    assertThat(specOwners).as("managedFields entries that own spec fields").singleElement()
        .satisfies(f -> {
          assertThat(f.getManager()).isEqualTo(manager);
          assertThat(f.getOperation()).isEqualTo("Apply");
        });
  }

  /** The simulation's, its RayJob's and its history ConfigMap's resourceVersions. */
  List<String> resourceVersions(String name) {
    return List.of(simulation(name).getMetadata().getResourceVersion(),
        rayJob(name).getMetadata().getResourceVersion(),
        client.configMaps().inNamespace(namespace).withName(name + "-history").get()
            .getMetadata().getResourceVersion());
  }

  FlowerSimulation simulation(String name) {
    return client.resources(FlowerSimulation.class).inNamespace(namespace).withName(name).get();
  }

  RayJob rayJob(String name) {
    return client.resources(RayJob.class).inNamespace(namespace).withName(name).get();
  }
}

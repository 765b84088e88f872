package io.flowersim.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.TestFlowerSimulations;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * examples/cluster-setup/50-placement-policy.yml on the real API server: in a namespace labelled
 * as 00-namespaces.yml labels the team namespaces, a FlowerSimulation that breaks a rule is
 * refused with that rule's message, one that keeps them (examples/gpu-pools.yaml as shipped) is
 * admitted; elsewhere the policy does not apply. Every create is a server-side dry run (admitted
 * and refused alike, nothing is stored, no operator acts), in namespaces of this test only.
 */
class PlacementPolicyIT {

  static final String POLICY = "examples/cluster-setup/50-placement-policy.yml";
  static final String TENANT_LABEL = "flowersim.io/tenant";

  static KubernetesClient client;
  static final List<HasMetadata> applied = new ArrayList<>();
  static String team;
  static String other;

  @BeforeAll
  static void applyThePolicy() throws IOException {
    client = KubeApiServer.connect();
    // The classes the policy admits, and the policy, as the README's walkthrough applies them.
    for (String file : List.of("examples/cluster-setup/10-priority-classes.yml", POLICY)) {
      try (InputStream in = Files.newInputStream(KubeApiServer.repositoryFile(file))) {
        for (HasMetadata o : client.load(in).items()) {
          client.resource(o).forceConflicts().serverSideApply();
          if (file.equals(POLICY)) {
            applied.add(o);
          }
        }
      }
    }
    team = KubeApiServer.newNamespace(client, "fsim-team");
    client.namespaces().withName(team).edit(n -> {
      n.getMetadata().getLabels().put(TENANT_LABEL, "true");
      return n;
    });
    other = KubeApiServer.newNamespace(client, "fsim-other");
    // The policy is enforced once the API server has compiled it: refusing the first violation.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
      try {
        dryRun(withQueue(null), team);
        return false;
      } catch (KubernetesClientException e) {
        return e.getCode() == 403;
      }
    });
  }

  @AfterAll
  static void cleanUp() {
    if (client == null) {
      return;
    }
    for (HasMetadata o : applied) {
      client.resource(o).delete();
    }
    for (String ns : new String[] {team, other}) {
      if (ns != null) {
        client.namespaces().withName(ns).delete();
      }
    }
  }

  @Test
  void theTeamNamespacesOfTheSetupCarryTheLabelTheBindingSelects() throws IOException {
    ValidatingAdmissionPolicyBinding binding = applied.stream()
        .filter(ValidatingAdmissionPolicyBinding.class::isInstance)
        .map(ValidatingAdmissionPolicyBinding.class::cast).findFirst().orElseThrow();
    Map<String, String> selected = binding.getSpec().getMatchResources().getNamespaceSelector()
        .getMatchLabels();
    assertThat(selected).isEqualTo(Map.of(TENANT_LABEL, "true"));
    try (InputStream in = Files.newInputStream(
        KubeApiServer.repositoryFile("examples/cluster-setup/00-namespaces.yml"))) {
      assertThat(client.load(in).items()).hasSize(2).allSatisfy(ns -> {
        assertThat(ns).isInstanceOf(Namespace.class);
        assertThat(ns.getMetadata().getLabels()).containsAllEntriesOf(selected);
      });
    }
  }

  @Test
  void thePolicysExpressionsTypeCheckAgainstTheCrd() {
    String name = applied.get(0).getMetadata().getName();
    ValidatingAdmissionPolicy policy = await().atMost(Duration.ofSeconds(30)).until(() ->
        client.resources(ValidatingAdmissionPolicy.class).withName(name).get(), p ->
        p.getStatus() != null && p.getStatus().getObservedGeneration() != null
            && p.getStatus().getObservedGeneration().equals(p.getMetadata().getGeneration()));
    assertThat(policy.getStatus().getTypeChecking().getExpressionWarnings()).isNullOrEmpty();
  }

  @Test
  void theGpuPoolsExampleAsShippedAndTheFullTestSimulationAreAdmitted() {
    FlowerSimulation example = KubeApiServer.loadExample(client, "examples/gpu-pools.yaml");
    assertThat(dryRun(example, team).getSpec().queueName).isEqualTo("team-a-queue");
    FlowerSimulation full = TestFlowerSimulations.full();
    full.getSpec().cluster.head.nodeSelector.put("flowersim.io/node-pool", "cpu");
    full.getSpec().priorityClassName = "research-high";
    dryRun(full, team);
    FlowerSimulation lowest = withQueue("team-a-queue");
    lowest.getSpec().priorityClassName = null;
    dryRun(lowest, team);
  }

  @Test
  void aSimulationWithoutAQueueIsRefused() {
    assertRefused(withQueue(null), "spec.queueName: required in a team namespace");
    assertRefused(withQueue(""), "spec.queueName: required in a team namespace");
  }

  @Test
  void aPriorityClassOutsideTheSetupsIsRefused() {
    assertRefused(changed(s -> s.getSpec().priorityClassName = "system-cluster-critical"),
        "spec.priorityClassName: one of research-low, research-high");
  }

  @Test
  void nodeSelectorsOtherThanThePoolsAreRefusedOnTheHeadAndOnWorkers() {
    String message = "spec.cluster (head, workerGroups) nodeSelector: only the node pools' labels";
    assertRefused(changed(s -> s.getSpec().cluster.head.nodeSelector
        .put("kubernetes.io/hostname", "node-1")), message);
    assertRefused(changed(s -> s.getSpec().cluster.head.nodeSelector
        .put("flowersim.io/node-pool", "real")), message);
    assertRefused(changed(s -> s.getSpec().cluster.workerGroups.get(0).nodeSelector
        .put("nvidia.com/gpu.product", "NVIDIA-B200")), message);
    assertRefused(changed(s -> s.getSpec().cluster.workerGroups.add(withSelector(
        TestFlowerSimulations.workerGroup("other"), "node-role.kubernetes.io/control-plane"))),
        message);
  }

  @Test
  void tolerationsOtherThanTheGpuTaintAreRefused() {
    String message = "spec.cluster (head, workerGroups) tolerations: only of the GPU taint";
    // No key, operator Exists: tolerates every taint.
    assertRefused(changed(s -> s.getSpec().cluster.workerGroups.get(0).tolerations.add(
        new TolerationBuilder().withOperator("Exists").build())), message);
    assertRefused(changed(s -> s.getSpec().cluster.head.tolerations.add(new TolerationBuilder()
        .withKey("node-role.kubernetes.io/control-plane").withOperator("Exists")
        .withEffect("NoSchedule").build())), message);
  }

  @Test
  void outsideTheTeamNamespacesThePolicyDoesNotApply() {
    FlowerSimulation sim = withQueue(null);
    sim.getSpec().priorityClassName = "system-cluster-critical";
    sim.getSpec().cluster.head.nodeSelector.put("kubernetes.io/hostname", "node-1");
    assertThat(dryRun(sim, other).getMetadata().getNamespace()).isEqualTo(other);
  }

  // ---- helpers ----------------------------------------------------------------------------------

  static FlowerSimulation withQueue(String queue) {
    FlowerSimulation sim = TestFlowerSimulations.full();
    sim.getSpec().queueName = queue;
    return sim;
  }

  static FlowerSimulation changed(Consumer<FlowerSimulation> change) {
    FlowerSimulation sim = TestFlowerSimulations.full();
    change.accept(sim);
    return sim;
  }

  static io.flowersim.api.v1alpha1.spec.WorkerGroupSpec withSelector(
      io.flowersim.api.v1alpha1.spec.WorkerGroupSpec group, String key) {
    group.nodeSelector.clear();
    group.nodeSelector.put(key, "");
    return group;
  }

  static FlowerSimulation dryRun(FlowerSimulation sim, String namespace) {
    sim.getMetadata().setNamespace(namespace);
    return client.resources(FlowerSimulation.class).inNamespace(namespace).resource(sim)
        .dryRun().create();
  }

  /** Refused by the policy (403: the rules say reason Forbidden) with the rule's message. */
  static void assertRefused(FlowerSimulation sim, String message) {
    assertThatThrownBy(() -> dryRun(sim, team))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(403);
          assertThat(e.getMessage()).contains("ValidatingAdmissionPolicy 'flowersim-placement'")
              .contains(message);
        });
  }
}

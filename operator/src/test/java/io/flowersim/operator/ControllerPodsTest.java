package io.flowersim.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ControllerPodsTest {

  @Test
  void byDefaultKubeRaysOwnInstallAndTheOperatorOfManifests() {
    ControllerPods pods = OperatorSettings.defaults().controllers();
    assertThat(pods.kubeRay()).isEqualTo(new ControllerPods.Pods("default",
        Map.of("app.kubernetes.io/component", "kuberay-operator")));
    assertThat(pods.flowersim()).isEqualTo(new ControllerPods.Pods("flowersim-system",
        Map.of("app.kubernetes.io/name", "flowersim-operator")));
  }

  @Test
  void theEnvironmentSetsNamespacesAndLabels() {
    ControllerPods pods = OperatorSettings.fromEnvironment(Map.of(
        "FLOWERSIM_KUBERAY_NAMESPACE", "ray-system",
        "FLOWERSIM_KUBERAY_POD_LABELS", "app=kuberay, tier = control",
        "FLOWERSIM_OPERATOR_NAMESPACE", "ops",
        "FLOWERSIM_OPERATOR_POD_LABELS", "app.kubernetes.io/instance=fs")).controllers();
    assertThat(pods.kubeRay().namespace()).isEqualTo("ray-system");
    assertThat(pods.kubeRay().labels()).isEqualTo(Map.of("app", "kuberay", "tier", "control"));
    assertThat(pods.flowersim()).isEqualTo(new ControllerPods.Pods("ops",
        Map.of("app.kubernetes.io/instance", "fs")));
  }

  @Test
  void labelsThatAreNotKeyValuePairsAreRefusedNamingTheVariable() {
    for (String bad : new String[] {"kuberay", "=x", " , "}) {
      assertThatThrownBy(() -> OperatorSettings.fromEnvironment(
          Map.of("FLOWERSIM_KUBERAY_POD_LABELS", bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("FLOWERSIM_KUBERAY_POD_LABELS: expected labels as key=value");
    }
  }
}

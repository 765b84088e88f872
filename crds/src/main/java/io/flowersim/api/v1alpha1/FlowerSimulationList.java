package io.flowersim.api.v1alpha1;

import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;

public class FlowerSimulationList extends DefaultKubernetesResourceList<FlowerSimulation> {}

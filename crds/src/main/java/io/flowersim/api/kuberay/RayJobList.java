package io.flowersim.api.kuberay;

import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;

public class RayJobList extends DefaultKubernetesResourceList<RayJob> {}

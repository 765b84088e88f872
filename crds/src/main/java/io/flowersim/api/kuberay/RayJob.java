package io.flowersim.api.kuberay;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * KubeRay's RayJob (ray.io/v1), only the fields flowersim sets or reads. Our own model of
 * KubeRay's API: its CRD comes from KubeRay, so the CRD generator skips this package (crds/pom.xml).
 * Fields KubeRay adds that this model lacks are dropped when this class reads a RayJob.
 */
@Group(RayJob.GROUP)
@Version(RayJob.VERSION)
@Kind(RayJob.KIND)
@Plural(RayJob.PLURAL)
public class RayJob extends CustomResource<RayJobSpec, RayJobStatus> implements Namespaced {

  public static final String GROUP = "ray.io";
  public static final String VERSION = "v1";
  public static final String KIND = "RayJob";
  public static final String PLURAL = "rayjobs";

  /**
   * KubeRay refuses longer RayJob names: it derives the RayCluster's name (plus a random suffix)
   * and its head Service's name from the RayJob's, and those must stay DNS labels.
   */
  public static final int NAME_MAX_LENGTH = 47;

  @Override
  protected RayJobSpec initSpec() {
    return new RayJobSpec();
  }
}

package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * Data for the tasks in the cluster: a PersistentVolumeClaim mounted read-only into the Ray head
 * and every worker, so that a task's files (e.g. taskConfig.dataDir) are where the image has none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DataSpec {

  public static final String DEFAULT_MOUNT_PATH = "/data";
  /** An absolute path of plain segments: no '..', no ':', not the root itself. */
  public static final String CLAIM_NAME_PATTERN = "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$";
  public static final String MOUNT_PATH_PATTERN = "^(/[A-Za-z0-9._-]+)+$";

  @Required
  @JsonPropertyDescription("The claim holding the data, in the simulation's namespace; mounted "
      + "read-only. Many pods on several nodes need a ReadOnlyMany (or ReadWriteMany) volume; a "
      + "ReadWriteOnce one serves pods on one node only.")
  public ClaimReference persistentVolumeClaim;

  @Pattern(MOUNT_PATH_PATTERN)
  @JsonPropertyDescription("Where the data appears in the head and worker pods, an absolute path "
      + "outside the image's own (/opt, /usr, /etc, /bin, /lib, /sbin, /proc, /sys, /dev, /tmp, "
      + "/home are refused). Default /data.")
  public String mountPath;

  public String mountPathOrDefault() {
    return mountPath == null ? DEFAULT_MOUNT_PATH : mountPath;
  }

  /** The name of a PersistentVolumeClaim. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class ClaimReference {

    @Required
    @Pattern(CLAIM_NAME_PATTERN)
    @JsonPropertyDescription("Name of the PersistentVolumeClaim (a DNS subdomain).")
    public String claimName;
  }
}

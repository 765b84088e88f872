package io.flowersim.api.kuberay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** A group of identical Ray worker pods. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RayWorkerGroupSpec {

  public String groupName;

  public Integer replicas;

  public Integer minReplicas;

  public Integer maxReplicas;

  /** Flags of `ray start` without the leading dashes, e.g. num-gpus: "1"; values are strings. */
  public Map<String, String> rayStartParams = new LinkedHashMap<>();

  public PodTemplateSpec template;
}

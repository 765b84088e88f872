package io.flowersim.api.kuberay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Ray head pod: `ray start --head` with these parameters, in this pod template. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class RayHeadGroupSpec {

  /** Flags of `ray start` without the leading dashes, e.g. num-cpus: "0"; values are strings. */
  public Map<String, String> rayStartParams = new LinkedHashMap<>();

  public PodTemplateSpec template;
}

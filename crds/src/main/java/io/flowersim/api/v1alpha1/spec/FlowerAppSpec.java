package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Flower App whose ClientApp runs, unchanged, as the simulation's virtual clients (in Python
 * workers); the server and the strategy stay the spec's. The app's own ServerApp is not used.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"path", "clientApp", "runConfig", "initialArrays", "evaluateFn"})
public class FlowerAppSpec {

  /** module:attribute, as Flower's components name a ClientApp. */
  public static final String OBJECT_REFERENCE_PATTERN =
      "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*"
          + "(\\.[A-Za-z_][A-Za-z0-9_]*)*$";

  @Required
  @Pattern(FlowerSimulationSpec.NOT_BLANK_PATTERN)
  @JsonPropertyDescription("The Flower App's directory (its pyproject.toml has "
      + "[tool.flwr.app.components]): relative to the simulation file with flowersim run, a path "
      + "in the image or in spec.data's claim in the cluster.")
  public String path;

  @Pattern(OBJECT_REFERENCE_PATTERN)
  @JsonPropertyDescription("The ClientApp as module:attribute, e.g. my_app.client_app:app. "
      + "Default: the clientapp of the pyproject's [tool.flwr.app.components].")
  public String clientApp;

  @JsonPropertyDescription("Flower's run config over the pyproject's [tool.flwr.app.config] "
      + "(context.run_config): each key must be one of those; values are strings, numbers or "
      + "booleans (checked by the runtime).")
  public Map<String, AnyType> runConfig = new LinkedHashMap<>();

  @Pattern(OBJECT_REFERENCE_PATTERN)
  @JsonPropertyDescription("What makes the initial global model, as module:attribute: a callable "
      + "(or class) giving a torch Module, an ArrayRecord or a list of NumPy arrays, as the app's "
      + "ServerApp would. Required for a ClientApp of the Message API; without it a legacy "
      + "(client_fn) app's initial model comes from one client's get_parameters (Flower's rule).")
  public String initialArrays;

  @Pattern(OBJECT_REFERENCE_PATTERN)
  @JsonPropertyDescription("The centralized (server-side) evaluation, as module:attribute: a "
      + "callable with the signature of Flower's evaluate_fn, (server_round: int, arrays: "
      + "ArrayRecord) -> MetricRecord (or None: no evaluation that round), which the server calls "
      + "on the global model before round 1 (round 0) and after every round. The MetricRecord's "
      + "loss (or eval_loss) is the round's centralizedLoss, its numbers the centralizedMetrics "
      + "(num-examples, if present, the count of examples). Default: no centralized evaluation.")
  public String evaluateFn;
}

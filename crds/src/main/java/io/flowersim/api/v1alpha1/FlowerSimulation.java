package io.flowersim.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.status.FlowerSimulationStatus;

/** A federated-learning simulation: the clients, rounds, strategy and the Ray cluster it runs on. */
@Group(FlowerSimulation.GROUP)
@Version(FlowerSimulation.VERSION)
@Kind(FlowerSimulation.KIND)
@Plural(FlowerSimulation.PLURAL)
@Singular("flowersimulation")
@ShortNames("fsim")
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Round", jsonPath = ".status.currentRound",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Loss", jsonPath = ".status.loss",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Accuracy", jsonPath = ".status.accuracy",
    type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class FlowerSimulation extends CustomResource<FlowerSimulationSpec, FlowerSimulationStatus>
    implements Namespaced {

  public static final String GROUP = "flowersim.io";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "FlowerSimulation";
  public static final String PLURAL = "flowersimulations";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /**
   * What the document said. Fabric8 fixes {@link #getApiVersion()} and {@link #getKind()} from the
   * annotations and ignores the values read from YAML; these keep them, so that
   * FlowerSimulationValidator can refuse a file whose apiVersion or kind is not ours.
   */
  private String declaredApiVersion = API_VERSION;
  private String declaredKind = KIND;

  public FlowerSimulation() {
    super();
  }

  /** Records the document's apiVersion; {@link #getApiVersion()} stays {@value #API_VERSION}. */
  @Override
  public void setApiVersion(String apiVersion) {
    this.declaredApiVersion = apiVersion;
  }

  /** Records the document's kind; {@link #getKind()} stays {@value #KIND}. */
  @Override
  public void setKind(String kind) {
    this.declaredKind = kind;
  }

  /** The apiVersion the document declared ({@value #API_VERSION} when it declared none). */
  public String declaredApiVersion() {
    return declaredApiVersion;
  }

  /** The kind the document declared ({@value #KIND} when it declared none). */
  public String declaredKind() {
    return declaredKind;
  }
}

package io.flowersim.operator.reconciler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.status.Condition;
import io.flowersim.api.v1alpha1.status.ConditionReason;
import io.flowersim.api.v1alpha1.status.FlowerSimulationStatus;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.operator.OperatorSettings;
import io.flowersim.operator.dependent.HistoryConfigMapDependentResource;
import io.flowersim.operator.dependent.ManagedLabels;
import io.flowersim.operator.dependent.RayJobDependentResource;
import io.flowersim.operator.dependent.RayJobTemplate;
import io.flowersim.operator.dependent.RayNetworkPolicyDependentResource;
import io.flowersim.operator.dependent.RuntimeRoleBindingDependentResource;
import io.flowersim.operator.dependent.RuntimeRoleDependentResource;
import io.flowersim.operator.dependent.RuntimeServiceAccountDependentResource;
import io.flowersim.operator.dependent.Settings;
import io.flowersim.operator.kueue.KueueAdmission;
import io.flowersim.operator.kueue.KueueWorkloads;
import io.flowersim.operator.observer.ClusterInspection;
import io.flowersim.operator.observer.HistoryReading;
import io.flowersim.operator.observer.Observation;
import io.flowersim.operator.observer.PhaseObserver;
import io.flowersim.operator.validation.SpecAcceptedCondition;
import io.flowersim.operator.validation.SpecValidation;
import io.flowersim.operator.validation.StartedSpecCheck;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ContextInitializer;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Reconciles a FlowerSimulation. The workflow makes the dependents (history ConfigMap, the
 * runtime's RBAC and the NetworkPolicy around the Ray pods first, then the RayJob); this class then observes the RayJob and the history,
 * and writes the status, the only writer of it, in one patch, and only when it changed. Where
 * Kueue is installed it also watches Kueue's Workloads, for the admission of queued RayJobs.
 */
@ControllerConfiguration(name = FlowerSimulationReconciler.NAME)
@Workflow(dependents = {
    @Dependent(name = "history", type = HistoryConfigMapDependentResource.class,
        reconcilePrecondition = SpecAcceptedCondition.class),
    @Dependent(name = "runtime-serviceaccount",
        type = RuntimeServiceAccountDependentResource.class,
        reconcilePrecondition = SpecAcceptedCondition.class),
    @Dependent(name = "runtime-role", type = RuntimeRoleDependentResource.class,
        reconcilePrecondition = SpecAcceptedCondition.class),
    @Dependent(name = "runtime-rolebinding", type = RuntimeRoleBindingDependentResource.class,
        dependsOn = {"runtime-serviceaccount", "runtime-role"},
        reconcilePrecondition = SpecAcceptedCondition.class),
    @Dependent(name = "network-policy", type = RayNetworkPolicyDependentResource.class,
        reconcilePrecondition = SpecAcceptedCondition.class),
    @Dependent(name = "rayjob", type = RayJobDependentResource.class,
        dependsOn = {"history", "runtime-rolebinding", "network-policy"},
        reconcilePrecondition = SpecAcceptedCondition.class)})
public class FlowerSimulationReconciler
    implements Reconciler<FlowerSimulation>, ContextInitializer<FlowerSimulation> {

  public static final String NAME = "flowersimulation";

  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration INSPECT_AGAIN = Duration.ofSeconds(15);

  private final OperatorSettings settings;
  private final Clock clock;
  /** Set once the event sources are prepared: whether Kueue's Workloads are watched. */
  private volatile boolean kueueWatched;

  public FlowerSimulationReconciler(OperatorSettings settings) {
    this(settings, Clock.systemUTC());
  }

  FlowerSimulationReconciler(OperatorSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  @Override
  public void initContext(FlowerSimulation sim, Context<FlowerSimulation> context) {
    Settings.put(context, settings);
    SpecValidation.of(sim).putInto(context);
  }

  @Override
  public List<EventSource<?, FlowerSimulation>> prepareEventSources(
      EventSourceContext<FlowerSimulation> context) {
    List<EventSource<?, FlowerSimulation>> sources = KueueWorkloads.eventSource(context).stream()
        .<EventSource<?, FlowerSimulation>>map(s -> s).toList();
    kueueWatched = !sources.isEmpty();
    return sources;
  }

  @Override
  public UpdateControl<FlowerSimulation> reconcile(FlowerSimulation sim,
      Context<FlowerSimulation> context) {
    RayJob job = context.getSecondaryResource(RayJob.class).orElse(null);
    ConfigMap historyMap = context.getSecondaryResource(ConfigMap.class).orElse(null);
    HistoryReading history = HistoryReading.of(historyMap);
    SpecValidation validation = SpecValidation.in(context);
    List<String> changed = job == null ? List.of()
        : StartedSpecCheck.changedFields(sim.getSpec(), job);
    int totalRounds = startedRounds(job).orElse(sim.getSpec().rounds);
    KueueAdmission admission = job != null && ManagedLabels.queued(job)
        ? KueueWorkloads.admission(job, context, kueueWatched) : null;
    Observation observed = PhaseObserver.observe(job, history, totalRounds, admission);
    boolean provisioning = job != null && (observed.phase() == SimulationPhase.Provisioning
        || observed.phase() == SimulationPhase.Pending);
    if (provisioning) {
      observed = ClusterInspection.inspect(context.getClient(), sim.getMetadata().getName(), job,
          clock.instant()).map(observed::troubled).orElse(observed);
    }
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    FlowerSimulationStatus next = new StatusBuilder(sim, observed, now).rayJob(job)
        .history(history).validation(validation).changedFields(changed)
        .totalRounds(totalRounds).build();

    FlowerSimulationStatus previous = sim.getStatus();
    UpdateControl<FlowerSimulation> control;
    if (previous != null && sameStatus(previous, next)) {
      control = UpdateControl.noUpdate();
    } else {
      announce(sim, previous, next, validation.refusesRun(job), context);
      control = UpdateControl.patchStatus(forStatusPatch(sim, next));
    }
    // Pods that cannot be created, placed or started change nothing KubeRay reports on the
    // RayJob: look again, so that the status says so within a minute.
    return provisioning ? control.rescheduleAfter(INSPECT_AGAIN) : control;
  }

  private static Optional<Integer> startedRounds(RayJob job) {
    if (job == null) {
      return Optional.empty();
    }
    return RayJobTemplate.startedSpec(job).map(spec -> spec.get("rounds"))
        .filter(JsonNode::isInt).map(JsonNode::asInt);
  }

  /**
   * Events for what changed: a new phase, a newly refused or changed spec, a cluster that cannot
   * come up (Warning, with the reason of the Running condition).
   *
   * @param refused whether the spec kept the run from starting (SpecValidation#refusesRun)
   */
  private static void announce(FlowerSimulation sim, FlowerSimulationStatus previous,
      FlowerSimulationStatus next, boolean refused, Context<FlowerSimulation> context) {
    SimulationEvents events = new SimulationEvents(context.getClient());
    SimulationPhase before = previous == null ? null : previous.phase;
    Condition running = condition(next, Conditions.RUNNING);
    Condition runningBefore = previous == null ? null : condition(previous, Conditions.RUNNING);
    boolean troubled = running != null && ConditionReason.isClusterTrouble(running.reason);
    if (next.phase != before) {
      if (next.phase == SimulationPhase.Failed) {
        events.warning(sim, SimulationPhase.Failed.name(), next.message);
      } else if (troubled) {
        events.warning(sim, running.reason, running.message);
      } else {
        events.normal(sim, next.phase.name(), next.message);
      }
    } else if (troubled && (runningBefore == null
        || !Objects.equals(runningBefore.reason, running.reason)
        || !Objects.equals(runningBefore.message, running.message))) {
      events.warning(sim, running.reason, running.message);
    }
    Integer resumedBefore = previous == null ? null : previous.resumedFromRound;
    if (next.resumedFromRound != null && !next.resumedFromRound.equals(resumedBefore)) {
      Condition why = running != null && ConditionReason.Resumed.name().equals(running.reason)
          ? running : null;
      events.normal(sim, ConditionReason.Resumed.name(), why != null ? why.message
          : "resumed after round " + next.resumedFromRound + " from its checkpoint");
    }
    Condition validated = condition(next, Conditions.VALIDATED);
    Condition validatedBefore = previous == null ? null
        : condition(previous, Conditions.VALIDATED);
    boolean newProblem = validated != null && "False".equals(validated.status)
        && (validatedBefore == null || !Objects.equals(validatedBefore.message, validated.message));
    // A refused spec already said so in the Failed event above.
    boolean told = refused && next.phase != before;
    if (newProblem && !told) {
      events.warning(sim, validated.reason, validated.message);
    }
  }

  private static Condition condition(FlowerSimulationStatus status, String type) {
    return status.conditions.stream().filter(c -> type.equals(c.type)).findFirst().orElse(null);
  }

  private static boolean sameStatus(FlowerSimulationStatus a, FlowerSimulationStatus b) {
    return JSON.valueToTree(a).equals(JSON.valueToTree(b));
  }

  /** Only name, namespace and status: the patch must not touch the spec or metadata. */
  private static FlowerSimulation forStatusPatch(FlowerSimulation sim,
      FlowerSimulationStatus status) {
    FlowerSimulation patch = new FlowerSimulation();
    patch.setMetadata(new ObjectMetaBuilder().withName(sim.getMetadata().getName())
        .withNamespace(sim.getMetadata().getNamespace()).build());
    patch.setStatus(status);
    return patch;
  }
}

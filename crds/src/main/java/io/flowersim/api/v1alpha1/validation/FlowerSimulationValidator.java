package io.flowersim.api.v1alpha1.validation;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Quantity;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.spec.ClientGroupSpec;
import io.flowersim.api.v1alpha1.spec.ClientResources;
import io.flowersim.api.v1alpha1.spec.ClientsSpec;
import io.flowersim.api.v1alpha1.spec.ClusterSpec;
import io.flowersim.api.v1alpha1.spec.DataSpec;
import io.flowersim.api.v1alpha1.spec.DifferentialPrivacyClipping;
import io.flowersim.api.v1alpha1.spec.DifferentialPrivacySide;
import io.flowersim.api.v1alpha1.spec.DifferentialPrivacySpec;
import io.flowersim.api.v1alpha1.spec.FlowerAppSpec;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.spec.HeadGroupSpec;
import io.flowersim.api.v1alpha1.spec.NumberRange;
import io.flowersim.api.v1alpha1.spec.PartitioningSpec;
import io.flowersim.api.v1alpha1.spec.PartitioningType;
import io.flowersim.api.v1alpha1.spec.StrategyArguments;
import io.flowersim.api.v1alpha1.spec.StrategyName;
import io.flowersim.api.v1alpha1.spec.StrategyOption;
import io.flowersim.api.v1alpha1.spec.StrategySpec;
import io.flowersim.api.v1alpha1.spec.WorkerGroupSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Checks a {@link FlowerSimulation} and names every field that is wrong. The one place that knows
 * the rules: the CLI, the operator and a future admission webhook all call {@link #validate}. The
 * CRD schema (OpenAPI bounds and CEL rules on the spec types) repeats the rules it can express, so
 * that the API server refuses most invalid specs before the operator sees them.
 *
 * <p>Enum values (strategy name, partitioning type) are not checked here: Jackson refuses unknown
 * names while reading the YAML.
 */
public final class FlowerSimulationValidator {

  /** Kubernetes' limit on the length of an object name. */
  public static final int NAME_MAX_LENGTH = 253;

  private static final Pattern DNS_1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private static final Pattern WORKER_GROUP_NAME = Pattern.compile(WorkerGroupSpec.NAME_PATTERN);

  /** Kubernetes' quantity format (2Gi, 512Mi, 1.5G, 1e9), without a minus sign. */
  private static final Pattern NON_NEGATIVE_QUANTITY = Pattern.compile(
      "\\+?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))"
          + "(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?");

  private final List<ValidationError> errors = new ArrayList<>();

  private FlowerSimulationValidator() {}

  /**
   * Returns every problem found, in the order of the fields in the YAML; an empty list means the
   * simulation is valid. Never throws for bad input: a missing spec, for example, is one more
   * error.
   */
  public static List<ValidationError> validate(FlowerSimulation sim) {
    FlowerSimulationValidator validator = new FlowerSimulationValidator();
    validator.checkResource(sim);
    return List.copyOf(validator.errors);
  }

  // ---- the resource ------------------------------------------------------------------------

  private void checkResource(FlowerSimulation sim) {
    if (sim == null) {
      error("(document)", "must be a " + FlowerSimulation.KIND + ", got nothing");
      return;
    }
    expectExactly("apiVersion", sim.declaredApiVersion(), FlowerSimulation.API_VERSION);
    expectExactly("kind", sim.declaredKind(), FlowerSimulation.KIND);
    checkMetadata(sim.getMetadata());
    if (required("spec", sim.getSpec())) {
      checkSpec(sim.getSpec());
    }
  }

  private void checkMetadata(ObjectMeta metadata) {
    String name = metadata == null ? null : metadata.getName();
    if (!required("metadata.name", name)) {
      return;
    }
    if (name.length() > NAME_MAX_LENGTH) {
      error("metadata.name", "must be at most " + NAME_MAX_LENGTH + " characters, got "
          + name.length());
    } else if (!DNS_1123_SUBDOMAIN.matcher(name).matches()) {
      error("metadata.name", "must be a DNS-1123 subdomain (lowercase letters, digits, '-' and "
          + "'.', starting and ending with a letter or digit), got " + quote(name));
    }
  }

  // ---- spec ----------------------------------------------------------------------------------

  private void checkSpec(FlowerSimulationSpec spec) {
    checkWorkload(spec);
    if (required("spec.rounds", spec.rounds)) {
      atLeast("spec.rounds", spec.rounds, 1);
    }
    atLeast("spec.roundTimeoutSeconds", spec.roundTimeoutSeconds, 1);
    if (required("spec.clients", spec.clients)) {
      checkClients(spec.clients);
    }
    if (spec.strategy != null) {
      checkStrategy(spec.strategy, validClientCount(spec.clients));
    }
    roundSizes(spec.strategyOrDefault(), validClientCount(spec.clients));
    if (spec.cluster != null) {
      checkCluster(spec.cluster);
    }
    if (spec.clients != null && spec.clients.groups != null) {
      checkGroupPlacement(spec.clients.groups, spec.cluster);
    }
    if (spec.data != null) {
      checkData("spec.data", spec.data);
    }
    if (spec.checkpoint != null) {
      atLeast("spec.checkpoint.everyRounds", spec.checkpoint.everyRounds, 1);
      if (spec.checkpoint.persistentVolumeClaim != null) {
        checkClaim("spec.checkpoint.persistentVolumeClaim", spec.checkpoint.persistentVolumeClaim);
      }
    }
    if (atLeast("spec.historyLimit", spec.historyLimit, 0)
        && spec.historyLimit > FlowerSimulationSpec.MAX_HISTORY_LIMIT) {
      error("spec.historyLimit", "must be at most " + FlowerSimulationSpec.MAX_HISTORY_LIMIT
          + " (status.rounds must stay under the API server's object size limit; every round is "
          + "in the history ConfigMap), got " + spec.historyLimit);
    }
  }

  /** Exactly one of spec.task and spec.flowerApp; a Flower App has no use for the task's fields. */
  private void checkWorkload(FlowerSimulationSpec spec) {
    if (spec.flowerApp == null) {
      notBlank("spec.task", spec.task);
      return;
    }
    if (spec.task != null) {
      error("spec.flowerApp", "exactly one of spec.task and spec.flowerApp, got both (task "
          + quote(spec.task) + ")");
    }
    FlowerAppSpec app = spec.flowerApp;
    notBlank("spec.flowerApp.path", app.path);
    objectReference("spec.flowerApp.clientApp", app.clientApp);
    objectReference("spec.flowerApp.initialArrays", app.initialArrays);
    objectReference("spec.flowerApp.evaluateFn", app.evaluateFn);
    if (app.runConfig != null) {
      app.runConfig.forEach((key, any) -> {
        Object value = any == null ? null : any.getValue();
        if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
          error("spec.flowerApp.runConfig." + key, "must be a string, number or boolean (Flower's "
              + "run config values), got " + (value == null ? "null"
              : value instanceof Map ? "a mapping" : value instanceof List ? "a list" : value));
        }
      });
    }
    if (spec.taskConfig != null && !spec.taskConfig.isEmpty()) {
      error("spec.taskConfig", "applies only to spec.task; a Flower App's settings are "
          + "spec.flowerApp.runConfig");
    }
    if (spec.clients != null && spec.clients.partitioning != null) {
      error("spec.clients.partitioning", "applies only to spec.task; a Flower App partitions its "
          + "own data by context.node_config's partition-id and num-partitions");
    }
    StrategySpec strategy = spec.strategyOrDefault();
    if (strategy.nameOrDefault() == StrategyName.SCAFFOLD) {
      error("spec.strategy.name", "Scaffold applies only to spec.task (its clients train with "
          + "the control variates); a Flower App's clients do not");
    }
    if (strategy.differentialPrivacy != null
        && strategy.differentialPrivacy.sideOrDefault() == DifferentialPrivacySide.CLIENT) {
      error("spec.strategy.differentialPrivacy.side", "client applies only to spec.task; for a "
          + "Flower App use side: server");
    }
  }

  private static final Pattern OBJECT_REFERENCE =
      Pattern.compile(FlowerAppSpec.OBJECT_REFERENCE_PATTERN);

  private void objectReference(String field, String value) {
    if (value != null && !OBJECT_REFERENCE.matcher(value).matches()) {
      error(field, "must be module:attribute (e.g. my_app.client_app:app), got " + quote(value));
    }
  }

  private void checkClients(ClientsSpec clients) {
    if (required("spec.clients.count", clients.count)) {
      atLeast("spec.clients.count", clients.count, 1);
    }
    if (clients.resources != null) {
      checkClientResources("spec.clients.resources", clients.resources);
    }
    if (clients.partitioning != null) {
      checkPartitioning("spec.clients.partitioning", clients.partitioning,
          validClientCount(clients));
    }
    inRange("spec.clients.dropoutRate", clients.dropoutRate, 0, 1);
    if (clients.groups != null) {
      checkGroups(clients);
    }
  }

  private void checkGroups(ClientsSpec clients) {
    String path = "spec.clients.groups";
    List<ClientGroupSpec> groups = clients.groups;
    if (groups.isEmpty()) {
      error(path, "must name at least one group, or be left out");
      return;
    }
    if (groups.size() > ClientsSpec.MAX_GROUPS) {
      error(path, "must have at most " + ClientsSpec.MAX_GROUPS + " groups, got " + groups.size());
    }
    Map<String, String> firstPathByName = new HashMap<>();
    long total = 0;
    boolean countsValid = true;
    for (int i = 0; i < groups.size(); i++) {
      String groupPath = path + "[" + i + "]";
      ClientGroupSpec group = groups.get(i);
      if (group == null) {
        error(groupPath, "must be a client group, got null");
        countsValid = false;
        continue;
      }
      String which = groupPath + " (" + (group.name == null ? "unnamed" : quote(group.name)) + ")";
      checkWorkerGroupName(groupPath + ".name", group.name);
      if (group.name != null) {
        String first = firstPathByName.putIfAbsent(group.name, groupPath);
        if (first != null) {
          error(groupPath + ".name", "must be unique among " + path + ", got " + quote(group.name)
              + " again (first at " + first + ")");
        }
      }
      if (required(groupPath + ".count", group.count)
          && atLeast(groupPath + ".count", group.count, 1)) {
        total += group.count;
      } else {
        countsValid = false;
      }
      if (group.resources != null) {
        checkClientResources(groupPath + ".resources", group.resources);
      }
      inRange(groupPath + ".dropoutRate", group.dropoutRate, 0, 1);
      if (group.workerGroup != null && !WORKER_GROUP_NAME.matcher(group.workerGroup).matches()) {
        error(groupPath + ".workerGroup", which + ": must be the name of a worker group of "
            + "spec.cluster.workerGroups, got " + quote(group.workerGroup));
      }
    }
    if (countsValid && clients.count != null && clients.count >= 1 && total != clients.count) {
      error(path, "the groups' counts must add up to spec.clients.count (" + clients.count
          + "), got " + total + " (" + groups.stream().filter(g -> g != null)
          .map(g -> g.name + " " + g.count).collect(java.util.stream.Collectors.joining(", "))
          + ")");
    }
  }

  /**
   * Where the groups run in the cluster: a named worker group must exist and hold one client of
   * the group; without names, some worker group must hold each group's client. A group without a
   * worker group would run on any of them, also those named by other groups, so it is all or none.
   */
  private void checkGroupPlacement(List<ClientGroupSpec> groups, ClusterSpec cluster) {
    List<WorkerGroupSpec> workers = cluster == null || cluster.workerGroups == null ? List.of()
        : cluster.workerGroups.stream().filter(w -> w != null && w.name != null).toList();
    long named = groups.stream().filter(g -> g != null && g.workerGroup != null).count();
    for (int i = 0; i < groups.size(); i++) {
      ClientGroupSpec group = groups.get(i);
      if (group == null) {
        continue;
      }
      String groupPath = "spec.clients.groups[" + i + "]";
      String which = groupPath + " (" + (group.name == null ? "unnamed" : quote(group.name)) + ")";
      if (group.workerGroup == null) {
        if (named > 0) {
          error(groupPath + ".workerGroup", which + ": must name a worker group, as other groups "
              + "do (a group without one would run on any worker group, also theirs)");
        } else if (!workers.isEmpty() && workers.stream().noneMatch(w -> holds(w, group))) {
          error(groupPath + ".resources", which + ": no worker group of spec.cluster.workerGroups "
              + "can hold one of its clients (" + describe(group.resources) + ")");
        }
        continue;
      }
      WorkerGroupSpec target = workers.stream().filter(w -> w.name.equals(group.workerGroup))
          .findFirst().orElse(null);
      if (target == null) {
        error(groupPath + ".workerGroup", which + ": no worker group " + quote(group.workerGroup)
            + " in spec.cluster.workerGroups (" + (workers.isEmpty() ? "none" : workers.stream()
                .map(w -> w.name).collect(java.util.stream.Collectors.joining(", "))) + ")");
      } else if (!holds(target, group)) {
        error(groupPath + ".resources", which + ": worker group " + quote(target.name)
            + " cannot hold one of its clients (" + describe(group.resources) + "; a pod of it has "
            + (target.cpus == null ? "?" : number(target.cpus)) + " CPUs, "
            + (target.gpus == null ? 0 : target.gpus) + " GPUs"
            + (target.memory == null ? "" : ", " + target.memory) + ")");
      }
    }
  }

  /** Whether one pod of {@code workers} has the CPUs, GPUs and memory of one client of the group. */
  private static boolean holds(WorkerGroupSpec workers, ClientGroupSpec group) {
    ClientResources r = group.resources == null ? new ClientResources() : group.resources;
    if (workers.cpus != null && r.cpusOrDefault() > workers.cpus + 1e-9) {
      return false;
    }
    if (r.gpusOrDefault() > (workers.gpus == null ? 0 : workers.gpus) + 1e-9) {
      return false;
    }
    return r.memory == null || workers.memory == null
        || !isNonNegativeQuantity(r.memory, quantityText(r.memory))
        || !isNonNegativeQuantity(workers.memory, quantityText(workers.memory))
        || Quantity.getAmountInBytes(r.memory)
            .compareTo(Quantity.getAmountInBytes(workers.memory)) <= 0;
  }

  private static String describe(ClientResources resources) {
    ClientResources r = resources == null ? new ClientResources() : resources;
    return number(r.cpusOrDefault()) + " CPUs, " + number(r.gpusOrDefault()) + " GPUs"
        + (r.memory == null ? "" : ", " + r.memory + " memory");
  }

  private void checkClientResources(String path, ClientResources resources) {
    greaterThanZero(path + ".cpus", resources.cpus);
    atLeastRaysShare(path + ".cpus", resources.cpus);
    if (atLeastZero(path + ".gpus", resources.gpus)) {
      wholeAboveOne(path + ".gpus", resources.gpus);
      if (resources.gpus > 0) {
        atLeastRaysShare(path + ".gpus", resources.gpus);
      }
    }
    nonNegativeQuantity(path + ".memory", resources.memory);
    nonNegativeQuantity(path + ".gpuMemory", resources.gpuMemory);
  }

  private void checkPartitioning(String path, PartitioningSpec partitioning, Integer clientCount) {
    PartitioningType type = partitioning.typeOrDefault();
    greaterThanZero(path + ".alpha", partitioning.alpha);
    atLeast(path + ".shardsPerClient", partitioning.shardsPerClient, 1);
    if (type == PartitioningType.PATHOLOGICAL) {
      if (required(path + ".classesPerClient", partitioning.classesPerClient)) {
        atLeast(path + ".classesPerClient", partitioning.classesPerClient, 1);
      }
    } else {
      onlyFor(path + ".classesPerClient", partitioning.classesPerClient, "pathological");
      onlyFor(path + ".classAssignment", partitioning.classAssignment, "pathological");
    }
    if (type.takesPartitionSizes()) {
      if (required(path + ".partitionSizes", partitioning.partitionSizes)) {
        partitionSizes(path + ".partitionSizes", partitioning.partitionSizes, clientCount);
      }
    } else {
      onlyFor(path + ".partitionSizes", partitioning.partitionSizes, "inner-dirichlet and size");
    }
  }

  private void onlyFor(String field, Object value, String types) {
    if (value != null) {
      error(field, "applies only to partitioning type " + types);
    }
  }

  /** One size per client, each at least 1: a client with no examples cannot train. */
  private void partitionSizes(String field, List<Integer> sizes, Integer clientCount) {
    if (clientCount != null && sizes.size() != clientCount) {
      error(field, "must have one size per client, spec.clients.count (" + clientCount + "), got "
          + sizes.size());
    }
    for (int i = 0; i < sizes.size(); i++) {
      if (sizes.get(i) == null || sizes.get(i) < 1) {
        error(field + "[" + i + "]", "must be at least 1, got " + sizes.get(i));
        return;
      }
    }
  }

  /** {@code clientCount} is null when spec.clients.count is missing or already reported. */
  private void checkStrategy(StrategySpec strategy, Integer clientCount) {
    String path = "spec.strategy";
    StrategyName name = strategy.nameOrDefault();
    fraction(path + ".fractionFit", strategy.fractionFit);
    fraction(path + ".fractionEvaluate", strategy.fractionEvaluate);
    minClients(path + ".minFitClients", strategy.minFitClients, clientCount);
    minClients(path + ".minEvaluateClients", strategy.minEvaluateClients, clientCount);
    minClients(path + ".minAvailableClients", strategy.minAvailableClients, clientCount);

    Map<StrategyOption, String> problems = StrategyArguments.problems(strategy);
    problems.forEach((option, message) -> error(path + "." + option.jsonName(), message));
    if (name.takes(StrategyOption.NUM_MALICIOUS_CLIENTS) && strategy.numMaliciousClients != null
        && !problems.containsKey(StrategyOption.NUM_MALICIOUS_CLIENTS)) {
      robustAggregationBounds(path, name, strategy, clientCount);
    }
    if (strategy.differentialPrivacy != null) {
      checkDifferentialPrivacy(path + ".differentialPrivacy", strategy, clientCount);
      if (name == StrategyName.SCAFFOLD) {
        error(path + ".differentialPrivacy", "does not wrap Scaffold: its control variates "
            + "travel with the updates and would be clipped and noised with them");
      }
    }
  }

  /** See {@link RobustAggregationBounds}; skipped when the sampling fields are invalid. */
  private void robustAggregationBounds(String path, StrategyName name, StrategySpec strategy,
      Integer clientCount) {
    RoundSample.fit(strategy, clientCount).ifPresent(sampled ->
        errors.addAll(RobustAggregationBounds.check(path, name, strategy, sampled)));
  }

  /** A round that would sample more clients than its lists and heap hold is refused up front. */
  private void roundSizes(StrategySpec strategy, Integer clientCount) {
    RoundSample.fit(strategy, clientCount).ifPresent(n ->
        atMostPerRound("spec.strategy.fractionFit", n));
    RoundSample.evaluate(strategy, clientCount).ifPresent(n ->
        atMostPerRound("spec.strategy.fractionEvaluate", n));
  }

  private void atMostPerRound(String field, int sampled) {
    if (sampled > RoundSample.MAX_CLIENTS_PER_ROUND) {
      error(field, "a round would sample " + sampled + " clients (spec.clients.count * "
          + field.substring(field.lastIndexOf('.') + 1) + "); at most "
          + RoundSample.MAX_CLIENTS_PER_ROUND + " per round");
    }
  }

  private void checkDifferentialPrivacy(String path, StrategySpec strategy,
      Integer clientCount) {
    DifferentialPrivacySpec dp = strategy.differentialPrivacy;
    if (required(path + ".noiseMultiplier", dp.noiseMultiplier)) {
      atLeastZero(path + ".noiseMultiplier", dp.noiseMultiplier);
    }
    boolean adaptive = dp.clippingOrDefault() == DifferentialPrivacyClipping.ADAPTIVE;
    if (adaptive || required(path + ".clippingNorm", dp.clippingNorm)) {
      greaterThanZero(path + ".clippingNorm", dp.clippingNorm);
    }
    minClients(path + ".numSampledClients", dp.numSampledClients, clientCount);
    if (adaptive) {
      inClosedRange(path + ".targetClippedQuantile", dp.targetClippedQuantile, 0, 1);
      greaterThanZero(path + ".clipNormLearningRate", dp.clipNormLearningRate);
      if (atLeastZero(path + ".clippedCountStddev", dp.clippedCountStddev)
          || dp.clippedCountStddev == null) {
        countNoiseLeavesPrivacy(path, strategy, clientCount);
      }
    } else {
      onlyAdaptive(path + ".targetClippedQuantile", dp.targetClippedQuantile);
      onlyAdaptive(path + ".clipNormLearningRate", dp.clipNormLearningRate);
      onlyAdaptive(path + ".clippedCountStddev", dp.clippedCountStddev);
    }
  }

  /**
   * Adaptive clipping spends part of the noise on the count of unclipped updates (Andrew et al.):
   * the updates' multiplier (z^-2 - (2 * clippedCountStddev)^-2)^-1/2 exists only while
   * z &lt; 2 * clippedCountStddev (default numSampledClients / 20), which Flower refuses as well.
   */
  private void countNoiseLeavesPrivacy(String path, StrategySpec strategy, Integer clientCount) {
    DifferentialPrivacySpec dp = strategy.differentialPrivacy;
    if (dp.noiseMultiplier == null || !(dp.noiseMultiplier > 0)
        || !Double.isFinite(dp.noiseMultiplier)) {
      return;
    }
    OptionalInt fitSample = RoundSample.fit(strategy, clientCount);
    if (dp.numSampledClients == null && fitSample.isEmpty()
        || dp.numSampledClients != null && dp.numSampledClients < 1) {
      return;
    }
    int sampled = dp.numSampledClients != null ? dp.numSampledClients : fitSample.getAsInt();
    double countStddev = dp.clippedCountStddev != null ? dp.clippedCountStddev : sampled / 20.0;
    if (dp.noiseMultiplier >= 2 * countStddev) {
      error(path + ".clippedCountStddev", "must be more than noiseMultiplier / 2 ("
          + number(dp.noiseMultiplier / 2) + ") for adaptive clipping, got " + number(countStddev)
          + (dp.clippedCountStddev == null ? " (the default, numSampledClients " + sampled
              + " / 20)" : "") + "; raise it, or lower noiseMultiplier");
    }
  }

  private void onlyAdaptive(String field, Double value) {
    if (value != null) {
      error(field, "applies only to clipping: adaptive (spec.strategy.differentialPrivacy"
          + ".clipping)");
    }
  }

  private void minClients(String field, Integer value, Integer clientCount) {
    if (atLeast(field, value, 1) && clientCount != null) {
      atMost(field, value, clientCount, "spec.clients.count");
    }
  }

  private static Integer validClientCount(ClientsSpec clients) {
    if (clients == null || clients.count == null || clients.count < 1) {
      return null;
    }
    return clients.count;
  }

  // ---- cluster -------------------------------------------------------------------------------

  private void checkCluster(ClusterSpec cluster) {
    if (cluster.head != null) {
      checkHead("spec.cluster.head", cluster.head);
    }
    if (cluster.workerGroups != null) {
      checkWorkerGroups("spec.cluster.workerGroups", cluster.workerGroups);
    }
  }

  /** Paths of the image itself, which a mount would hide. */
  private static final List<String> IMAGE_PATHS = List.of("/opt", "/usr", "/etc", "/bin", "/lib",
      "/lib64", "/sbin", "/proc", "/sys", "/dev", "/tmp", "/home", "/var", "/run", "/root");
  private static final Pattern MOUNT_PATH = Pattern.compile(DataSpec.MOUNT_PATH_PATTERN);
  private static final Pattern CLAIM_NAME = Pattern.compile(DataSpec.CLAIM_NAME_PATTERN);

  private void checkData(String path, DataSpec data) {
    if (required(path + ".persistentVolumeClaim", data.persistentVolumeClaim)) {
      checkClaim(path + ".persistentVolumeClaim", data.persistentVolumeClaim);
    }
    String mount = data.mountPathOrDefault();
    if (!MOUNT_PATH.matcher(mount).matches() || mount.contains("/../") || mount.endsWith("/..")
        || mount.contains("/./") || mount.endsWith("/.")) {
      error(path + ".mountPath", "must be an absolute path of plain segments (letters, digits, "
          + "'.', '_', '-'), got " + quote(mount));
      return;
    }
    for (String reserved : IMAGE_PATHS) {
      if (mount.equals(reserved) || mount.startsWith(reserved + "/")) {
        error(path + ".mountPath", "must be outside the image's own " + reserved + ", got "
            + quote(mount) + " (e.g. /data)");
        return;
      }
    }
  }

  private void checkClaim(String path, DataSpec.ClaimReference claim) {
    if (notBlank(path + ".claimName", claim.claimName)
        && !CLAIM_NAME.matcher(claim.claimName).matches()) {
      error(path + ".claimName", "must be a PersistentVolumeClaim name (lowercase letters, "
          + "digits, '-' and '.'), got " + quote(claim.claimName));
    }
  }

  private void checkHead(String path, HeadGroupSpec head) {
    greaterThanZero(path + ".cpus", head.cpus);
    nonNegativeQuantity(path + ".memory", head.memory);
  }

  private void checkWorkerGroups(String path, List<WorkerGroupSpec> groups) {
    if (groups.size() > ClusterSpec.MAX_WORKER_GROUPS) {
      error(path, "must have at most " + ClusterSpec.MAX_WORKER_GROUPS + " groups, got "
          + groups.size());
    }
    Map<String, String> firstPathByName = new HashMap<>();
    for (int i = 0; i < groups.size(); i++) {
      String groupPath = path + "[" + i + "]";
      WorkerGroupSpec group = groups.get(i);
      if (group == null) {
        error(groupPath, "must be a worker group, got null");
        continue;
      }
      checkWorkerGroup(groupPath, group);
      if (group.name != null) {
        String first = firstPathByName.putIfAbsent(group.name, groupPath);
        if (first != null) {
          error(groupPath + ".name", "must be unique among " + path + ", got " + quote(group.name)
              + " again (first at " + first + ")");
        }
      }
    }
  }

  private void checkWorkerGroup(String path, WorkerGroupSpec group) {
    checkWorkerGroupName(path + ".name", group.name);
    checkReplicas(path, group);
    greaterThanZero(path + ".cpus", group.cpus);
    atLeast(path + ".gpus", group.gpus, 0);
    nonNegativeQuantity(path + ".memory", group.memory);
  }

  private void checkWorkerGroupName(String field, String name) {
    if (notBlank(field, name) && !WORKER_GROUP_NAME.matcher(name).matches()) {
      error(field, "must be lowercase letters, digits and '-', starting and ending with a letter "
          + "or digit, at most " + WorkerGroupSpec.NAME_MAX_LENGTH + " characters, got "
          + quote(name));
    }
  }

  private void checkReplicas(String path, WorkerGroupSpec group) {
    boolean replicasValid = atLeast(path + ".replicas", group.replicas, 0);
    boolean minValid = atLeast(path + ".minReplicas", group.minReplicas, 0);
    boolean maxValid = atLeast(path + ".maxReplicas", group.maxReplicas, 0);
    if (minValid && maxValid && group.minReplicas > group.maxReplicas) {
      error(path + ".minReplicas", "must be at most maxReplicas (" + group.maxReplicas + "), got "
          + group.minReplicas);
      return;
    }
    if (replicasValid && minValid && group.replicas < group.minReplicas) {
      error(path + ".replicas", "must be at least minReplicas (" + group.minReplicas + "), got "
          + group.replicas);
    }
    if (replicasValid && maxValid && group.replicas > group.maxReplicas) {
      error(path + ".replicas", "must be at most maxReplicas (" + group.maxReplicas + "), got "
          + group.replicas);
    }
  }

  // ---- single-field rules: each reports at most one error and says whether the value is usable -

  private void error(String field, String message) {
    errors.add(new ValidationError(field, message));
  }

  /** False, with an error, when the value is missing. */
  private boolean required(String field, Object value) {
    if (value == null) {
      error(field, "is required");
      return false;
    }
    return true;
  }

  private void expectExactly(String field, String value, String expected) {
    if (!expected.equals(value)) {
      error(field, "must be " + expected + ", got " + quote(value));
    }
  }

  private boolean notBlank(String field, String value) {
    if (!required(field, value)) {
      return false;
    }
    if (value.isBlank()) {
      error(field, "must not be blank, got " + quote(value));
      return false;
    }
    return true;
  }

  /** True when the value is present and at least {@code min}; an error when it is below. */
  private boolean atLeast(String field, Integer value, int min) {
    if (value != null && value < min) {
      error(field, "must be at least " + min + ", got " + value);
      return false;
    }
    return value != null;
  }

  private void atMost(String field, int value, int max, String maxField) {
    if (value > max) {
      error(field, "must be at most " + maxField + " (" + max + "), got " + value);
    }
  }

  private void greaterThanZero(String field, Double value) {
    if (value != null && !(value > 0 && Double.isFinite(value))) {
      error(field, "must be greater than 0, got " + number(value));
    }
  }

  /** True when the value is present, finite and at least 0; an error when it is not. */
  private boolean atLeastZero(String field, Double value) {
    if (value != null && !(value >= 0 && Double.isFinite(value))) {
      error(field, "must be at least 0, got " + number(value));
      return false;
    }
    return value != null;
  }

  /** A positive share below Ray's smallest; other values are another rule's. */
  private void atLeastRaysShare(String field, Double value) {
    if (value != null && value > 0 && value < ClientResources.MIN_SHARE) {
      error(field, "must be at least " + number(ClientResources.MIN_SHARE) + " (Ray's smallest "
          + "share of a resource), got " + number(value));
    }
  }

  /** Ray's rule for accelerators: fractions only below 1, whole numbers above. */
  private void wholeAboveOne(String field, double value) {
    if (value > 1 && value != Math.rint(value)) {
      error(field, "must be a whole number when above 1 (Ray allows fractional GPUs only below 1), "
          + "got " + number(value));
    }
  }

  /** A value in [min, max): "must be in [0, 1), got 1". */
  private void inRange(String field, Double value, double min, double max) {
    if (value != null && !(value >= min && value < max)) {
      error(field, "must be in [" + number(min) + ", " + number(max) + "), got " + number(value));
    }
  }

  /** A value in [min, max]: "must be in [0, 1], got 2". */
  private void inClosedRange(String field, Double value, double min, double max) {
    if (value != null && !(value >= min && value <= max)) {
      error(field, "must be in [" + number(min) + ", " + number(max) + "], got " + number(value));
    }
  }

  private void fraction(String field, Double value) {
    if (value != null && !(value > 0 && value <= 1)) {
      error(field, "must be in (0, 1], got " + number(value));
    }
  }

  private void nonNegativeQuantity(String field, Quantity quantity) {
    if (quantity == null) {
      return;
    }
    String text = quantityText(quantity);
    if (!isNonNegativeQuantity(quantity, text)) {
      error(field, "must be a non-negative Kubernetes quantity such as 2Gi, 512Mi or 1.5G, got "
          + quote(text));
    }
  }

  private static String quantityText(Quantity quantity) {
    return Objects.toString(quantity.getAmount(), "") + Objects.toString(quantity.getFormat(), "");
  }

  private static boolean isNonNegativeQuantity(Quantity quantity, String text) {
    if (!NON_NEGATIVE_QUANTITY.matcher(text).matches()) {
      return false;
    }
    try {
      return Quantity.getAmountInBytes(quantity).signum() >= 0;
    } catch (RuntimeException unparseable) {
      return false;
    }
  }

  // ---- how values appear in messages ---------------------------------------------------------

  private static String quote(String value) {
    return value == null ? "nothing" : "\"" + value + "\"";
  }

  private static String number(double value) {
    return NumberRange.format(value);
  }
}

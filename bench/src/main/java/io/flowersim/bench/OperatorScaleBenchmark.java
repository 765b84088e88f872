package io.flowersim.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.flowersim.api.kuberay.RayJob;
import io.flowersim.api.kuberay.RayJobStatus;
import io.flowersim.api.v1alpha1.FlowerSimulation;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap.RunState;
import io.flowersim.api.v1alpha1.spec.ClientsSpec;
import io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec;
import io.flowersim.api.v1alpha1.status.FlowerSimulationStatus;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.api.v1alpha1.status.SimulationPhase;
import io.flowersim.operator.FlowerSimulationOperator;
import io.flowersim.operator.OperatorSettings;
import io.flowersim.runtime.HistoryConfigMapWriter;
import io.flowersim.server.History;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The operator with many simulations on a real API server (the one KUBECONFIG names, e.g.
 * scripts/kube-control-plane.sh): creates N simulations, plays KubeRay (RayJob status Running) and
 * the runtime (R history writes each, then succeeded) for all of them, and reports JOSDK's
 * reconcile time (its Micrometer timer), how long the status took to follow each history write,
 * and the operator's heap. The operator runs in this JVM; the heap figure is the used heap after
 * a full GC, less the same figure before the operator started.
 *
 * <pre>java -cp bench/target/benchmarks.jar:bench/target/lib/* \
 *     io.flowersim.bench.OperatorScaleBenchmark [--simulations N] [--rounds R]</pre>
 */
public final class OperatorScaleBenchmark {

  private static final long TIMEOUT_MS = 300_000;

  public static void main(String[] args) throws Exception {
    int simulations = 100;
    int rounds = 5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--simulations" -> simulations = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (usage: [--simulations N] [--rounds R])");
      }
    }
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      new OperatorScaleBenchmark(client).run(simulations, rounds);
    }
  }

  private final KubernetesClient client;
  private final String namespace = "fsim-bench-" + UUID.randomUUID().toString().substring(0, 6);

  private OperatorScaleBenchmark(KubernetesClient client) {
    this.client = client;
  }

  private void run(int n, int rounds) throws Exception {
    applyCrd();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
        .endMetadata().build()).create();
    long heapBefore = usedHeapAfterGc();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig c) {
        return id.getName().startsWith("operator.sdk.")
            // One window for the whole run: by default the percentiles and max decay within
            // about two minutes, which would report only the last phase.
            ? DistributionStatisticConfig.builder().percentiles(0.5, 0.99)
                .expiry(Duration.ofHours(1)).bufferLength(1).build().merge(c) : c;
      }
    });
    OperatorSettings settings = new OperatorSettings("example.org/runtime:bench", 60, 600,
        OperatorSettings.DEFAULT_RUNTIME_COMMAND, List.of(namespace));
    Map<String, Long> written = new ConcurrentHashMap<>();
    List<Long> lagsNanos = Collections.synchronizedList(new ArrayList<>());
    try (FlowerSimulationOperator operator =
             new FlowerSimulationOperator(client, settings, registry, o -> {}).start();
         var watch = client.resources(FlowerSimulation.class).inNamespace(namespace)
             .watch(lagWatcher(written, lagsNanos))) {
      long heapStarted = usedHeapAfterGc();
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        client.resources(FlowerSimulation.class).inNamespace(namespace).resource(sim(i, rounds))
            .create();
      }
      awaitAll(n, s -> s.rayJobName != null);
      double createSeconds = (System.nanoTime() - t0) / 1e9;
      for (int i = 0; i < n; i++) {
        String name = name(i);
        client.resources(RayJob.class).inNamespace(namespace).withName(name).editStatus(j -> {
          j.setStatus(new RayJobStatus());
          j.getStatus().jobDeploymentStatus = RayJobStatus.DEPLOYMENT_RUNNING;
          j.getStatus().jobStatus = RayJobStatus.JOB_RUNNING;
          return j;
        });
      }
      awaitAll(n, s -> s.phase == SimulationPhase.Running);
      List<History> histories = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        histories.add(new History(name(i)));
      }
      for (int r = 1; r <= rounds; r++) {
        for (int i = 0; i < n; i++) {
          RoundRecord record = new RoundRecord();
          record.round = r;
          record.fitClients = 10;
          record.distributedLoss = 1.0 / r;
          histories.get(i).add(record);
          written.put(name(i) + "#" + r, System.nanoTime());
          new HistoryConfigMapWriter(client, namespace, name(i) + "-history")
              .roundFinished(record, histories.get(i));
        }
        int round = r;
        awaitAll(n, s -> s.currentRound != null && s.currentRound >= round);
      }
      for (int i = 0; i < n; i++) {
        new HistoryConfigMapWriter(client, namespace, name(i) + "-history")
            .finished(histories.get(i), RunState.SUCCEEDED, "done");
      }
      awaitAll(n, s -> s.phase == SimulationPhase.Succeeded);
      double totalSeconds = (System.nanoTime() - t0) / 1e9;
      long heapLoaded = usedHeapAfterGc();

      Timer reconcile = registry.find("operator.sdk.controllers.execution.reconcile").timer();
      System.out.printf(Locale.ROOT, "simulations %d, history writes %d each, namespace %s%n", n,
          rounds, namespace);
      System.out.printf(Locale.ROOT, "all created and reconciled (RayJob, ConfigMap, RBAC, status)"
          + " in %.1f s; whole run %.1f s%n", createSeconds, totalSeconds);
      if (reconcile != null) {
        System.out.printf(Locale.ROOT, "reconcile (JOSDK timer): %d runs, mean %.1f ms, %s, max "
            + "%.1f ms%n", reconcile.count(), reconcile.mean(TimeUnit.MILLISECONDS),
            percentiles(reconcile), reconcile.max(TimeUnit.MILLISECONDS));
      }
      List<Long> lags = new ArrayList<>(lagsNanos);
      lags.sort(null);
      if (!lags.isEmpty()) {
        System.out.printf(Locale.ROOT, "history write -> status.currentRound: %d samples, p50 %.1f "
            + "ms, p99 %.1f ms, max %.1f ms%n", lags.size(), lags.get(lags.size() / 2) / 1e6,
            lags.get(Math.min(lags.size() - 1, (int) Math.ceil(lags.size() * 0.99) - 1)) / 1e6,
            lags.get(lags.size() - 1) / 1e6);
      }
      System.out.printf(Locale.ROOT, "heap after full GC: operator started +%.1f MiB, with %d "
          + "simulations +%.1f MiB (%.1f KiB per simulation)%n",
          (heapStarted - heapBefore) / 1048576.0, n, (heapLoaded - heapBefore) / 1048576.0,
          (heapLoaded - heapStarted) / 1024.0 / n);
    } finally {
      client.namespaces().withName(namespace).delete();
    }
  }

  private static String percentiles(Timer timer) {
    StringBuilder sb = new StringBuilder();
    for (ValueAtPercentile p : timer.takeSnapshot().percentileValues()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "p%.0f %.1f ms",
          p.percentile() * 100, p.value(TimeUnit.MILLISECONDS)));
    }
    return sb.toString();
  }

  /** Records, per simulation and round, when the status first showed the round. */
  private static Watcher<FlowerSimulation> lagWatcher(Map<String, Long> written,
      List<Long> lags) {
    Map<String, Boolean> seen = new ConcurrentHashMap<>();
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, FlowerSimulation sim) {
        FlowerSimulationStatus s = sim.getStatus();
        if (s == null || s.currentRound == null || s.currentRound == 0) {
          return;
        }
        long now = System.nanoTime();
        String key = sim.getMetadata().getName() + "#" + s.currentRound;
        Long at = written.get(key);
        if (at != null && seen.putIfAbsent(key, true) == null) {
          lags.add(now - at);
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  private void awaitAll(int n, Predicate<FlowerSimulationStatus> done) throws InterruptedException {
    long deadline = System.currentTimeMillis() + TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      long count = client.resources(FlowerSimulation.class).inNamespace(namespace).list()
          .getItems().stream().filter(s -> s.getStatus() != null && done.test(s.getStatus()))
          .count();
      if (count == n) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("not all " + n + " simulations got there in "
        + TIMEOUT_MS / 1000 + " s");
  }

  private FlowerSimulation sim(int i, int rounds) {
    FlowerSimulation sim = new FlowerSimulation();
    sim.setMetadata(new ObjectMetaBuilder().withName(name(i)).withNamespace(namespace).build());
    FlowerSimulationSpec spec = new FlowerSimulationSpec();
    spec.task = "synthetic";
    spec.rounds = rounds;
    spec.clients = new ClientsSpec();
    spec.clients.count = 100;
    sim.setSpec(spec);
    return sim;
  }

  private static String name(int i) {
    return String.format(Locale.ROOT, "sim-%03d", i);
  }

  private void applyCrd() throws Exception {
    Path file = Path.of("manifests/crds/flowersimulations.flowersim.io-v1.yml");
    try (InputStream in = Files.newInputStream(file)) {
      CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
          .load(in).item();
      client.resource(crd).forceConflicts().serverSideApply();
    }
    client.apiextensions().v1().customResourceDefinitions()
        .withName(FlowerSimulation.PLURAL + "." + FlowerSimulation.GROUP)
        .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions().stream()
            .anyMatch(x -> "Established".equals(x.getType()) && "True".equals(x.getStatus())),
            30, TimeUnit.SECONDS);
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}

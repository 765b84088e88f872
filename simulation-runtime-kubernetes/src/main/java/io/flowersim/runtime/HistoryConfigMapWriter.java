package io.flowersim.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap.RunState;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.server.History;
import io.flowersim.server.HistoryJson;
import io.flowersim.server.ServerListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the run into its history ConfigMap: history.json after every round (so a missed write
 * heals with the next one), and the final state at the end. JSON merge patches of the runtime's
 * own keys only; the runtime may get and patch this one ConfigMap, nothing else.
 *
 * <p>A ConfigMap holds at most 1 MiB, so history.json keeps the newest {@code keepRounds} rounds
 * (what status.rounds mirrors), fewer if they would not fit {@value #HISTORY_BUDGET_BYTES}
 * bytes, and {@link HistoryConfigMap#SUMMARY_KEY} says how many there are and where the rest is.
 * An answer 413 or 422 (too large, or refused) is not retried: the state and message are written
 * without the history, and a run that completed still ends succeeded.
 */
public final class HistoryConfigMapWriter implements ServerListener {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryConfigMapWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Attempts per write; with the backoff below about a minute of API-server trouble. */
  static final int ATTEMPTS = 8;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

  /** history.json's share of the ConfigMap's 1 MiB; previous-attempt.json may take as much. */
  static final int HISTORY_BUDGET_BYTES = 400 * 1024;

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final int keepRounds;
  private final String elsewhere;
  /**
   * Set when this run replaced an earlier attempt's history or continued after its checkpoint;
   * said with every running write.
   */
  private String restartNote;
  /** The checkpoint's round this run continued after; null for a run from round 1. */
  private Integer resumedFrom;

  /** Keeps the newest {@link io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec#DEFAULT_HISTORY_LIMIT} rounds. */
  public HistoryConfigMapWriter(KubernetesClient client, String namespace, String name) {
    this(client, namespace, name,
        io.flowersim.api.v1alpha1.spec.FlowerSimulationSpec.DEFAULT_HISTORY_LIMIT, null);
  }

  /**
   * @param keepRounds the newest rounds history.json keeps (spec.historyLimit; at least 1, so the
   *     current round and loss are there)
   * @param elsewhere where every round is kept (the checkpoint store), for the summary; null when
   *     the rounds left out are kept nowhere
   */
  public HistoryConfigMapWriter(KubernetesClient client, String namespace, String name,
      int keepRounds, String elsewhere) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.keepRounds = Math.max(1, keepRounds);
    this.elsewhere = elsewhere;
  }

  /**
   * The run has begun: state running, no rounds yet. If an earlier attempt of this simulation
   * recorded rounds (KubeRay starts the Ray job again after a suspend, a Kueue preemption or a
   * lost cluster), its history moves to {@link HistoryConfigMap#PREVIOUS_ATTEMPT_KEY} and the run
   * says, for as long as it runs, that it started again from round 1.
   */
  public void started(History history) {
    ConfigMap existing = client.configMaps().inNamespace(namespace).withName(name).get();
    String previous = existing == null || existing.getData() == null ? null
        : existing.getData().get(HistoryConfigMap.HISTORY_KEY);
    int reached = roundsIn(previous);
    ObjectNode patch = patch(history, RunState.RUNNING, null);
    if (reached > 0) {
      restartNote = "started again from round 1: the previous attempt reached round " + reached
          + " (suspended, preempted or its Ray cluster lost) and there is no model checkpoint "
          + "to continue from; its history is kept under " + HistoryConfigMap.PREVIOUS_ATTEMPT_KEY;
      LOG.warn("{}/{}: {}", namespace, name, restartNote);
      ((ObjectNode) patch.get("data")).put(HistoryConfigMap.PREVIOUS_ATTEMPT_KEY, previous);
      ((ObjectNode) patch.get("data")).put(HistoryConfigMap.MESSAGE_KEY, restartNote);
    }
    patchWithRetry(patch.toString());
  }

  /**
   * The run continues after {@code round}, its checkpoint's: state running, the checkpoint's
   * history in place of whatever an earlier attempt wrote (rounds after the checkpoint are run
   * again, so each round is there once), and {@link HistoryConfigMap#RESUMED_FROM_ROUND_KEY}
   * from now on, with {@code note} for people while it runs.
   */
  public void resumed(History history, int round, String note) {
    resumedFrom = round;
    restartNote = note;
    LOG.info("{}/{}: {}", namespace, name, note);
    patchWithRetry(patch(history, RunState.RUNNING, note).toString());
  }

  /**
   * The end an earlier attempt of this simulation recorded, if it recorded one: a Ray job that
   * KubeRay starts again after the run ended (a retry on a new cluster) must not run it again.
   */
  public Optional<RunState> recordedEnd() {
    ConfigMap existing = client.configMaps().inNamespace(namespace).withName(name).get();
    RunState state = existing == null || existing.getData() == null ? null
        : RunState.of(existing.getData().get(HistoryConfigMap.STATE_KEY));
    return state == RunState.SUCCEEDED || state == RunState.FAILED
        ? Optional.of(state) : Optional.empty();
  }

  private static int roundsIn(String historyJson) {
    if (historyJson == null || historyJson.isBlank()) {
      return 0;
    }
    try {
      JsonNode rounds = JSON.readTree(historyJson).path("rounds");
      return rounds.isArray() && !rounds.isEmpty()
          ? rounds.get(rounds.size() - 1).path("round").asInt(rounds.size()) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void roundFinished(RoundRecord record, History history) {
    try {
      write(history, RunState.RUNNING, restartNote);
    } catch (KubernetesClientException e) {
      // The next round writes the whole history again; losing the run over one write is worse.
      LOG.warn("round {}: could not write the history ConfigMap {}/{}: {}", record.round,
          namespace, name, e.getMessage());
    }
  }

  /** The final state; {@code history} null keeps what was written before. */
  public void finished(History history, RunState state, String message) {
    write(history, state, message);
  }

  private void write(History history, RunState state, String message) {
    try {
      patchWithRetry(patch(history, state, message).toString());
    } catch (KubernetesClientException e) {
      if (history == null || !(e.getCode() == 413 || e.getCode() == 422)) {
        throw e;
      }
      // Too large or refused as it is: retrying the same patch would fail the same way.
      String why = "history.json not written to the ConfigMap (HTTP " + e.getCode() + ": "
          + e.getMessage() + ")";
      LOG.warn("{}/{}: {}", namespace, name, why);
      patchWithRetry(patch(null, state, message == null ? why : message + "; " + why)
          .toString());
    }
  }

  private ObjectNode patch(History history, RunState state, String message) {
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode data = patch.putObject("data");
    if (history != null) {
      Bounded bounded = bounded(history);
      data.put(HistoryConfigMap.HISTORY_KEY, bounded.json());
      data.put(HistoryConfigMap.SUMMARY_KEY, bounded.summary());
    }
    data.put(HistoryConfigMap.STATE_KEY, state.value());
    if (resumedFrom != null) {
      data.put(HistoryConfigMap.RESUMED_FROM_ROUND_KEY, Integer.toString(resumedFrom));
    } else {
      data.putNull(HistoryConfigMap.RESUMED_FROM_ROUND_KEY);
    }
    if (message != null) {
      data.put(HistoryConfigMap.MESSAGE_KEY, message);
    } else {
      data.putNull(HistoryConfigMap.MESSAGE_KEY);
    }
    return patch;
  }

  /** history.json as the ConfigMap keeps it, and its summary. */
  record Bounded(String json, String summary) {}

  /**
   * The newest {@code keepRounds} rounds of {@code history}, fewer while they exceed {@value
   * #HISTORY_BUDGET_BYTES} bytes (at least the newest one), with the initial evaluation.
   */
  Bounded bounded(History history) {
    List<RoundRecord> rounds = history.rounds();
    int keep = Math.min(keepRounds, rounds.size());
    String json;
    while (true) {
      History kept = new History(history.simulation);
      kept.initial = history.initial;
      rounds.subList(rounds.size() - keep, rounds.size()).forEach(kept::add);
      json = HistoryJson.toJson(kept);
      if (keep <= 1 || json.getBytes(StandardCharsets.UTF_8).length <= HISTORY_BUDGET_BYTES) {
        break;
      }
      keep = keep / 2;
    }
    ObjectNode summary = JSON.createObjectNode();
    summary.put("rounds", rounds.isEmpty() ? 0 : rounds.get(rounds.size() - 1).round);
    summary.put("roundsKept", keep);
    int omitted = rounds.size() - keep;
    if (omitted > 0) {
      summary.put("note", "history.json keeps the newest " + keep + " rounds; "
          + (elsewhere != null ? "every round is in " + elsewhere
              : "the " + omitted + " before are not kept (spec.checkpoint.persistentVolumeClaim "
                  + "keeps every round)"));
    }
    return new Bounded(json, summary.toString());
  }

  /**
   * A merge patch carries no resourceVersion, so the API server does not answer 409 for a
   * concurrent change to other keys; 409 can still come from conflicting writes inside the API
   * server, and 429/5xx and dropped connections from a busy or restarting one: all retried.
   */
  private void patchWithRetry(String patch) {
    Duration backoff = FIRST_BACKOFF;
    for (int attempt = 1; ; attempt++) {
      try {
        ConfigMap patched = client.configMaps().inNamespace(namespace).withName(name)
            .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        if (patched == null) {
          throw new KubernetesClientException("ConfigMap " + namespace + "/" + name
              + " does not exist");
        }
        return;
      } catch (KubernetesClientException e) {
        if (!retriable(e) || attempt >= ATTEMPTS) {
          throw e;
        }
        LOG.info("history ConfigMap {}/{}: attempt {} failed ({}), retrying in {} ms", namespace,
            name, attempt, e.getCode(), backoff.toMillis());
        sleep(backoff);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF
            : backoff.multipliedBy(2);
      }
    }
  }

  static boolean retriable(KubernetesClientException e) {
    int code = e.getCode();
    return code == 0 || code == 409 || code == 429 || code >= 500;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted while retrying a ConfigMap patch");
    }
  }
}

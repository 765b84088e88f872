package io.flowersim.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap;
import io.flowersim.api.v1alpha1.handover.HistoryConfigMap.RunState;
import io.flowersim.api.v1alpha1.status.RoundRecord;
import io.flowersim.server.History;
import io.flowersim.server.HistoryJson;
import io.flowersim.server.ServerListener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the run into its history ConfigMap: the whole history.json after every round (so a
 * missed write heals with the next one), and the final state at the end. JSON merge patches of
 * the runtime's own keys only; the runtime may get and patch this one ConfigMap, nothing else.
 */
public final class HistoryConfigMapWriter implements ServerListener {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryConfigMapWriter.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Attempts per write; with the backoff below about a minute of API-server trouble. */
  static final int ATTEMPTS = 8;
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;

  public HistoryConfigMapWriter(KubernetesClient client, String namespace, String name) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
  }

  /** The run has begun: state running, no rounds yet. */
  public void started(History history) {
    write(HistoryJson.toJson(history), RunState.RUNNING, null);
  }

  @Override
  public void roundFinished(RoundRecord record, History history) {
    try {
      write(HistoryJson.toJson(history), RunState.RUNNING, null);
    } catch (KubernetesClientException e) {
      // The next round writes the whole history again; losing the run over one write is worse.
      LOG.warn("round {}: could not write the history ConfigMap {}/{}: {}", record.round,
          namespace, name, e.getMessage());
    }
  }

  /** The final state; {@code history} null keeps what was written before. */
  public void finished(History history, RunState state, String message) {
    write(history == null ? null : HistoryJson.toJson(history), state, message);
  }

  private void write(String historyJson, RunState state, String message) {
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode data = patch.putObject("data");
    if (historyJson != null) {
      data.put(HistoryConfigMap.HISTORY_KEY, historyJson);
    }
    data.put(HistoryConfigMap.STATE_KEY, state.value());
    if (message != null) {
      data.put(HistoryConfigMap.MESSAGE_KEY, message);
    } else {
      data.putNull(HistoryConfigMap.MESSAGE_KEY);
    }
    patchWithRetry(patch.toString());
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

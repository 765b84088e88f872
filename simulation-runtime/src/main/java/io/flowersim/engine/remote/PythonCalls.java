package io.flowersim.engine.remote;

import io.flowersim.client.Parameters;
import io.flowersim.engine.Batch;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's half of a Flower App's clients in Python workers, whatever carries the bytes (the
 * local pool's pipes, Ray's Python actors): the round's model in the dtypes its tensors name,
 * a batch's calls and its reply in {@link PythonWire}, the initial model from one client, and one
 * warning per metric name that is not a number.
 */
public final class PythonCalls {

  private static final Logger LOG = LoggerFactory.getLogger(PythonCalls.class);

  private final Set<String> warnedMetrics = ConcurrentHashMap.newKeySet();

  /** MODEL: the round's global model, each array in its app's dtype. */
  public byte[] model(Parameters model) {
    return PythonWire.model(model);
  }

  /** CALL: {@code batch} as a worker runs it ({@code request}: its calls, with their state). */
  public byte[] call(Batch<?> batch, Wire.Batch request) {
    PythonWire.Operation op = batch.isFit() ? PythonWire.Operation.FIT
        : PythonWire.Operation.EVALUATE;
    return PythonWire.call(op, batch.round(), request.calls(), request.sumUpdates());
  }

  /**
   * A worker's REPLY to {@link #call}; metric names that were not numbers are named once.
   *
   * @param nodeId where the worker runs, unless the reply names its node
   */
  public Wire.BatchReply reply(byte[] payload, String nodeId, Batch<?> batch,
      Wire.Batch request) {
    Map<Integer, List<String>> dropped = new HashMap<>();
    Wire.BatchReply reply = PythonWire.reply(payload, nodeId, dropped, request.calls());
    dropped.forEach((client, names) -> names.stream().filter(warnedMetrics::add).forEach(name ->
        LOG.warn("metric {} (first from client {}, round {}) is not a number: recorded by the "
            + "client only, not aggregated", name, client, batch.round())));
    return reply;
  }

  /** CALL for the initial global model from {@code clientId} (initialArrays or get_parameters). */
  public byte[] initialCall(int clientId) {
    return PythonWire.call(PythonWire.Operation.INITIAL, 0,
        List.of(new Wire.Call(0, false, clientId, Map.of(), Map.of())), false);
  }

  /**
   * The model of a REPLY to {@link #initialCall}: its tensors name the app's dtypes, which every
   * later global model keeps (it has this one's layout), on every transport and group, in the
   * evaluateFn's calls and in checkpoints.
   */
  public Parameters initialModel(byte[] payload) {
    return PythonWire.initialModel(payload);
  }
}

package io.flowersim.engine.ray;

import io.flowersim.client.Parameters;
import io.flowersim.engine.remote.ClientWorker;
import io.flowersim.engine.remote.Wire;
import io.ray.api.Ray;
import java.util.Arrays;

/**
 * A Ray actor that runs virtual clients, one call at a time, through a {@link ClientWorker}: the
 * worker init hook and the task's setup run once, when the actor starts; each client of a batch
 * gets an ephemeral client with its state shipped in and out, dropped after its call.
 */
public final class ClientActor {

  private final ClientWorker worker;
  private final String nodeId;
  private Parameters cachedModel;
  private byte[] cachedModelBytes;

  public ClientActor(String taskName, byte[] settingsBytes, String initHook) throws Exception {
    ClassLoader loader = ClientActor.class.getClassLoader();
    Thread.currentThread().setContextClassLoader(loader);
    this.nodeId = Ray.getRuntimeContext().getCurrentNodeId().toString();
    this.worker = new ClientWorker(taskName, Wire.settings(settingsBytes), initHook, nodeId, loader);
  }

  /** Where this actor runs: "nodeId pid". */
  public String where() {
    return nodeId + " " + worker.pid();
  }

  /**
   * A batch of fits or evaluates ({@link Wire.Batch}), answered with a {@link Wire.BatchReply}.
   * {@code model} arrives by reference (one object per round in the object store); a client that
   * throws comes back as an error reply, not as an exception.
   */
  public byte[] callBatch(byte[] batchBytes, byte[] model) {
    Thread.currentThread().setContextClassLoader(ClientActor.class.getClassLoader());
    Wire.Batch batch = Wire.read(batchBytes);
    return Wire.batchReply(worker.batch(batch, model(model)));
  }

  /** The same round's model is decoded once per actor, not once per client. */
  private Parameters model(byte[] bytes) {
    if (bytes != cachedModelBytes && !Arrays.equals(bytes, cachedModelBytes)) {
      cachedModel = Wire.parameters(bytes);
      cachedModelBytes = bytes;
    }
    return cachedModel;
  }
}

package io.flowersim.engine.ray;

import io.flowersim.engine.Batching;
import io.flowersim.engine.remote.Placement;
import io.flowersim.engine.remote.RemoteWorkers;
import io.ray.api.BaseActorHandle;
import io.ray.api.ObjectRef;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Ray transports share, whatever language their actors run: the round's model as an
 * object reference, replacement and closing by killing the actor (no restart: the scheduler
 * starts a new one, with the client state it keeps).
 */
abstract class ActorWorkers<H extends BaseActorHandle> extends RemoteWorkers<H, ObjectRef<byte[]>> {

  private static final Logger LOG = LoggerFactory.getLogger(ActorWorkers.class);

  ActorWorkers(Batching batching) {
    super(batching, true);
  }

  @Override
  protected final void kill(H actor) {
    try {
      actor.kill(true);
    } catch (RuntimeException e) {
      LOG.debug("killing actor: {}", e.toString());
    }
  }

  /** The newest client calls (at most 10,000), with node and process. */
  final List<Placement> placements() {
    return placementLog();
  }

  /** Actors replaced so far (crashed or timed out). */
  final int replacedActors() {
    return replacements();
  }

  @Override
  public final void close() {
    if (markClosed()) {
      handles().forEach(this::kill);
    }
  }
}

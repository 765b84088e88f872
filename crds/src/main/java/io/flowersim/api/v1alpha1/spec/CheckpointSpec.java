package io.flowersim.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/**
 * Checkpoints of a run, so that a run that stops (killed, suspended, preempted, its head pod lost)
 * continues from its last checkpointed round with the history of an uninterrupted run.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class CheckpointSpec {

  public static final int DEFAULT_EVERY_ROUNDS = 1;

  @Min(1)
  @JsonPropertyDescription("A checkpoint after every this many completed rounds, and after the "
      + "last round. Default 1. A resumed run repeats the rounds after the newest checkpoint.")
  public Integer everyRounds;

  public int everyRoundsOrDefault() {
    return everyRounds == null ? DEFAULT_EVERY_ROUNDS : everyRounds;
  }
}

package io.flowersim.strategy;

import java.util.random.RandomGenerator;

/**
 * The random sequence of {@code new SplittableRandom(seed)} (SplitMix64: the same longs, ints,
 * bounded ints, doubles and Gaussians), with a position that can be read and resumed.
 * SplittableRandom does not export its position; a checkpoint needs it, so that a resumed run
 * samples the clients and draws the noise the uninterrupted run would have.
 */
public final class ResumableRandom implements RandomGenerator {

  private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;

  private long state;

  private ResumableRandom(long state) {
    this.state = state;
  }

  /** At the start of the sequence of {@code seed}. */
  public static ResumableRandom seeded(long seed) {
    return new ResumableRandom(seed);
  }

  /** Where another instance's {@link #position()} was read. */
  public static ResumableRandom at(long position) {
    return new ResumableRandom(position);
  }

  /** The position in the sequence; {@link #at(long)} continues from here. */
  public synchronized long position() {
    return state;
  }

  @Override
  public synchronized long nextLong() {
    long z = state += GOLDEN_GAMMA;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** SplittableRandom's 32-bit mix of the next step, which its bounded ints draw on. */
  @Override
  public synchronized int nextInt() {
    long z = state += GOLDEN_GAMMA;
    z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5L;
    return (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3L) >>> 32);
  }
}

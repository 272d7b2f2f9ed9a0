package dev.reprise.traffic;

/**
 * Decides what operation {@code i} is: its kind and its key, as a pure function of the seed and
 * {@code i}. The same seed gives the same sequence however many threads send it and however the
 * server behaves.
 */
public final class Workload {

  private final Mode mode;
  private final double readRatio;
  private final long keyCount;
  private final long seed;

  public Workload(Mode mode, double readRatio, long keyCount, long seed) {
    this.mode = mode;
    this.readRatio = readRatio;
    this.keyCount = keyCount;
    this.seed = seed;
  }

  /** The {@code index}-th operation, meant to be sent at {@code intendedNanos}. */
  public Operation operation(long index, long intendedNanos) {
    long h = mix(seed ^ mix(index));
    OpKind kind = switch (mode) {
      case READ -> OpKind.READ;
      case WRITE -> OpKind.WRITE;
      // The top 53 bits as a uniform double in [0, 1).
      case MIXED -> ((mix(h) >>> 11) * 0x1.0p-53) < readRatio ? OpKind.READ : OpKind.WRITE;
    };
    long key = Long.remainderUnsigned(h, keyCount);
    return new Operation(index, kind, key, intendedNanos);
  }

  /** SplitMix64's finaliser: a bijective, well-spread hash of a long. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}

package dev.reprise.fdsl.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Per-event random streams derived from the root seed and a key naming the event's place in the
 * timeline ({@code <time ms>#<n-th moment at that time>/<service>/<index in the service's list>}),
 * so editing one event, or adding a moment at another time, does not reshuffle the picks of other
 * events. The generator is SplitMix64 over a SHA-256 of seed and key: the same numbers on every JVM
 * and machine.
 */
public final class EventSeeds {
  private EventSeeds() {}

  /** The key of the {@code index}-th event of {@code service} in the {@code ordinal}-th moment at {@code timeMillis}. */
  public static String key(long timeMillis, int ordinal, String service, int index) {
    return timeMillis + "#" + ordinal + "/" + service + "/" + index;
  }

  /** A fresh stream for {@code key} under {@code rootSeed}. */
  public static Stream stream(long rootSeed, String key) {
    try {
      var sha = MessageDigest.getInstance("SHA-256");
      byte[] d = sha.digest((rootSeed + "|" + key).getBytes(StandardCharsets.UTF_8));
      long s = 0;
      for (int i = 0; i < 8; i++) s = (s << 8) | (d[i] & 0xff);
      return new Stream(s);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  /** SplitMix64 (Steele, Lea, Flood 2014). Not thread-safe. */
  public static final class Stream {
    private long state;

    Stream(long seed) {
      this.state = seed;
    }

    public long nextLong() {
      long z = (state += 0x9E3779B97F4A7C15L);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return z ^ (z >>> 31);
    }

    /** Uniform in {@code [0, bound)}, without modulo bias. */
    public int nextInt(int bound) {
      if (bound <= 0) throw new IllegalArgumentException("bound must be > 0");
      long threshold = Long.remainderUnsigned(-(long) bound, bound); // 2^64 mod bound
      while (true) {
        long r = nextLong();
        if (Long.compareUnsigned(r, threshold) >= 0) return (int) Long.remainderUnsigned(r, bound);
      }
    }
  }
}

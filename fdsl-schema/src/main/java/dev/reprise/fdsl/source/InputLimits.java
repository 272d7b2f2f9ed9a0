package dev.reprise.fdsl.source;

/**
 * The bounds every input is held to, so that no file, however large or odd, can exhaust memory,
 * overflow a number or hang a read: each is refused at its position with the limit named. Listed in
 * fdsl-schema's README ("Limits").
 */
public final class InputLimits {
  /** A scenario or compose file: at most 64 MiB (a generated 100,000-moment scenario is a few MiB). */
  public static final long MAX_FILE_BYTES = 64L * 1024 * 1024;
  /**
   * A file with its YAML aliases ({@code *name}) written out: at most as much as a file may hold, in
   * characters of scalar text (plus one per node). An alias costs nothing to read but everything it
   * names wherever it is used: printed in a plan, 40,000 aliases of a 2 KB mark are 80 MB.
   */
  public static final long MAX_EXPANDED_CHARS = MAX_FILE_BYTES;
  /** Containers of one service alive at once (beginning, and after every start). */
  public static final int MAX_CONTAINERS_PER_SERVICE = 10_000;
  /** The largest FDSL container ID: a service creates at most this many + 1 containers over a run. */
  public static final int MAX_CONTAINER_ID = 999_999;
  /** A {@code start}'s percentage (of the containers alive): at most 100 times as many. */
  public static final int MAX_START_PERCENT = 10_000;
  /**
   * The plan's alive sets hold at most this many container IDs in all (containers alive after each
   * moment, summed over the moments): the plan travels whole to every agent and into run.json.
   */
  public static final long MAX_PLAN_ALIVE_IDS = 10_000_000;
  /** Points in time and durations: at most 30 days. */
  public static final long MAX_MILLIS = 30L * 24 * 3600 * 1000;
  /** Sizes in bytes and byte rates per second: at most 1 PiB. */
  public static final long MAX_BYTES = 1L << 50;
  /** Bandwidths: at most 1,000 tbit per second. */
  public static final long MAX_BITS_PER_SECOND = 1_000_000_000_000_000L;

  private InputLimits() {}

  /** {@code 64 MiB}, {@code 64.5 MiB}: bytes in MiB with at most one decimal, for messages. */
  public static String mib(long bytes) {
    double mib = bytes / (1024.0 * 1024.0);
    return (mib == Math.rint(mib) ? String.valueOf((long) mib) : String.format(java.util.Locale.ROOT, "%.1f", mib)) + " MiB";
  }
}

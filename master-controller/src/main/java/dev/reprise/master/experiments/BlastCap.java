package dev.reprise.master.experiments;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The blast-radius cap of ad-hoc experiments, in {@code environment.safety.max_affected}'s syntax:
 * a count ({@code 2}) or a percentage ({@code 50%}) for the whole stack, or per scope
 * ({@code all=3,shop_web=1}, or {@code {all: 3, shop_web: 30%}}): at no time may more containers of
 * the scope be under a running experiment. {@code all} is every container of the target's stack; a
 * service is named {@code stack_service}, {@code stack/service} or by its name within the stack. A
 * percentage is of the scope's running containers, rounded down. Immutable.
 */
public final class BlastCap {
  /** No cap. */
  public static final BlastCap NONE = new BlastCap(Map.of(), "");

  /** scope → cap text ({@code 3}, {@code 50%}). */
  private final Map<String, String> caps;
  private final String text;

  private BlastCap(Map<String, String> caps, String text) {
    this.caps = Map.copyOf(caps);
    this.text = text;
  }

  /**
   * Parses {@code text}; null or blank: no cap.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static BlastCap parse(String text) {
    if (text == null || text.isBlank()) return NONE;
    String t = text.strip();
    if (t.startsWith("{") && t.endsWith("}")) t = t.substring(1, t.length() - 1);
    var caps = new LinkedHashMap<String, String>();
    if (!t.contains("=") && !t.contains(":")) {
      check("max_affected", t);
      caps.put("all", t);
    } else {
      for (String part : t.split(",")) {
        String p = part.strip();
        if (p.isEmpty()) continue;
        int i = p.indexOf('=') >= 0 ? p.indexOf('=') : p.indexOf(':');
        if (i <= 0) throw new IllegalArgumentException("max_affected: '" + p + "' is not SCOPE=CAP");
        String scope = p.substring(0, i).strip().replace('/', '_');
        String cap = p.substring(i + 1).strip();
        check("max_affected." + scope, cap);
        caps.put(scope, cap);
      }
    }
    return new BlastCap(caps, text.strip());
  }

  private static void check(String where, String cap) {
    try {
      if (cap.endsWith("%")) {
        double pct = Double.parseDouble(cap.substring(0, cap.length() - 1).strip());
        if (!(pct > 0 && pct <= 100)) throw new IllegalArgumentException(where + ": a percentage must be in (0%, 100%], not " + cap);
      } else {
        long n = Long.parseLong(cap);
        if (n < 1) throw new IllegalArgumentException(where + ": a count must be at least 1, not " + cap);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": '" + cap + "' is neither a count (2) nor a percentage (50%)");
    }
  }

  public boolean isNone() {
    return caps.isEmpty();
  }

  /** The cap of {@code scope} ({@code all}, or a service as {@code stack_service} or its short name), null when none. */
  public String capOf(String scope, String shortName) {
    var c = caps.get(scope);
    return c != null ? c : shortName == null ? null : caps.get(shortName);
  }

  /** How many containers {@code cap} allows of {@code total}. */
  public static int allowed(String cap, int total) {
    if (cap.endsWith("%")) return (int) Math.floor(Double.parseDouble(cap.substring(0, cap.length() - 1).strip()) * total / 100.0);
    return (int) Math.min(Integer.MAX_VALUE, Long.parseLong(cap));
  }

  @Override
  public String toString() {
    return text;
  }
}

package dev.reprise.fdsl.model;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The POSIX signal names FDSL accepts (FaultSee's list), mapped to Linux signal numbers. Aliases
 * ({@code SIGIOT}, {@code SIGCLD}, {@code SIGPOLL}, {@code SIGUNUSED}) resolve to their Linux
 * signal; names FaultSee listed that Linux does not have ({@code SIGEMT}, {@code SIGINFO},
 * {@code SIGLOST}) are rejected with a reason.
 */
public final class Signals {
  private static final Map<String, Integer> LINUX = new TreeMap<>();
  private static final Map<String, String> ALIASES = Map.of(
      "SIGIOT", "SIGABRT", "SIGCLD", "SIGCHLD", "SIGPOLL", "SIGIO", "SIGUNUSED", "SIGSYS");
  private static final java.util.Set<String> NOT_ON_LINUX = java.util.Set.of("SIGEMT", "SIGINFO", "SIGLOST");

  static {
    String[] names = {
        "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD",
        "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ",
        "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS"};
    for (int i = 0; i < names.length; i++) LINUX.put(names[i], i + 1);
  }

  private Signals() {}

  /** The canonical Linux name ({@code SIGUSR1}) for {@code name} ({@code SIGUSR1}, {@code USR1}, {@code sigusr1}, an alias), or empty. */
  public static Optional<String> canonical(String name) {
    String n = name.strip().toUpperCase(Locale.ROOT);
    if (!n.startsWith("SIG")) n = "SIG" + n;
    n = ALIASES.getOrDefault(n, n);
    return LINUX.containsKey(n) ? Optional.of(n) : Optional.empty();
  }

  /** Why {@code name} is not accepted: not on Linux, or unknown. */
  public static String whyRejected(String name) {
    String n = name.strip().toUpperCase(Locale.ROOT);
    if (!n.startsWith("SIG")) n = "SIG" + n;
    return NOT_ON_LINUX.contains(n) ? n + " does not exist on Linux" : "'" + name + "' is not a POSIX signal";
  }

  /** The Linux signal number of a canonical name. */
  public static int number(String canonicalName) {
    Integer n = LINUX.get(canonicalName);
    if (n == null) throw new IllegalArgumentException("not a canonical signal name: " + canonicalName);
    return n;
  }

  /** Every canonical name, sorted; for suggestions. */
  public static java.util.Set<String> names() {
    return java.util.Collections.unmodifiableSet(LINUX.keySet());
  }
}

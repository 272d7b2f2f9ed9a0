package dev.reprise.master.ssh;

/** Quoting for the POSIX shell that runs remote commands. */
public final class Shell {
  private Shell() {}

  /** {@code s} as one shell word: single-quoted unless it is plainly safe. */
  public static String quote(String s) {
    if (!s.isEmpty() && s.matches("[A-Za-z0-9_./:=@%+,-]+")) return s;
    return "'" + s.replace("'", "'\"'\"'") + "'";
  }
}

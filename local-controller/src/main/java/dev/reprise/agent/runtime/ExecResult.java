package dev.reprise.agent.runtime;

/**
 * How a command run inside a container ended.
 *
 * @param exitCode its exit code (null when the engine did not report one)
 * @param output stdout and stderr interleaved, possibly truncated at the front (see {@link #tail(String, int)})
 */
public record ExecResult(Integer exitCode, String output) {
  /** The last {@code max} characters of {@code text}, prefixed with {@code …} when cut. */
  public static String tail(String text, int max) {
    if (text == null || text.length() <= max) return text;
    return "…" + text.substring(text.length() - max);
  }
}

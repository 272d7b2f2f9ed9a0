package dev.reprise.fdsl;

import java.nio.file.Path;
import java.util.Comparator;

/**
 * One problem found in an input file, at a 1-based line and column. {@link #toString()} is the
 * {@code FILE:LINE:COL: message} form that editors and terminals turn into links.
 *
 * @param file the file the problem is in, as the user named it
 * @param line 1-based line
 * @param column 1-based column
 * @param message what is wrong and, where possible, what to write instead; names the YAML path
 */
public record Diagnostic(Path file, int line, int column, String message) {

  /** File, then position, then message: the order problems are printed in. */
  public static final Comparator<Diagnostic> ORDER = Comparator
      .comparing((Diagnostic d) -> String.valueOf(d.file()))
      .thenComparingInt(Diagnostic::line)
      .thenComparingInt(Diagnostic::column)
      .thenComparing(Diagnostic::message);

  @Override
  public String toString() {
    return printable(String.valueOf(file)) + ":" + line + ":" + column + ": " + oneLine(message);
  }

  /**
   * {@code name} with control characters escaped (a newline as backslash-n, tab as backslash-t, others
   * as backslash-u and four hex digits) and backslashes doubled, so that a file name cannot break or forge a diagnostic line.
   */
  public static String printable(String name) {
    return escape(name, true);
  }

  /**
   * {@code message} with control characters escaped as {@link #printable} does, backslashes kept:
   * a value quoted in a message (a key spanning lines) cannot forge a diagnostic line either.
   */
  static String oneLine(String message) {
    return escape(message, false);
  }

  private static String escape(String name, boolean backslashes) {
    var sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      switch (c) {
        case '\\' -> sb.append(backslashes ? "\\\\" : "\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.toString();
  }
}

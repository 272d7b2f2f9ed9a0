package dev.reprise.master.campaign;

import dev.reprise.fdsl.Diagnostic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${name}} parameters in a scenario's text: where they are used, and the text with each one
 * replaced by its value. Substitution is textual and happens before the scenario is parsed, so a
 * parameter may stand for any scalar: a time, a duration, an amount, a fault parameter. There is no
 * escape: a scenario that needs a literal {@code ${} cannot be a campaign's scenario. Values never
 * hold a line break (the campaign parser refuses them), so lines keep their numbers and only columns
 * after a substitution move; {@link Substituted#remap} moves a diagnostic back to the original column.
 */
public final class Substitution {
  /** A parameter reference: {@code ${name}}, the name a letter or underscore then letters, digits, {@code _} or {@code -}. */
  static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_-]*)}");

  private Substitution() {}

  /** One use of {@code ${name}} at a 1-based line and column (of the {@code $}). */
  public record Use(String name, int line, int column) {}

  /** Every {@code ${name}} in {@code text}, in text order. */
  public static List<Use> uses(String text) {
    var out = new ArrayList<Use>();
    int line = 1;
    int lineStart = 0;
    Matcher m = REFERENCE.matcher(text);
    int scanned = 0;
    while (m.find()) {
      for (int i = scanned; i < m.start(); i++) {
        if (text.charAt(i) == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      scanned = m.start();
      out.add(new Use(m.group(1), line, m.start() - lineStart + 1));
    }
    return out;
  }

  /**
   * The substituted text of {@code file}, and how to map its positions back.
   *
   * @param shifts per line: substituted column where a replacement ended → how many columns to add
   *     to a column at or after it to get the original column (cumulative)
   */
  public record Substituted(Path file, String text, Map<Integer, TreeMap<Integer, Integer>> shifts) {
    /** {@code d} at its position in the original file when it names {@link #file}; else unchanged. */
    public Diagnostic remap(Diagnostic d) {
      if (d.file() == null || !d.file().equals(file)) return d;
      var line = shifts.get(d.line());
      if (line == null) return d;
      var floor = line.floorEntry(d.column());
      if (floor == null) return d;
      return new Diagnostic(d.file(), d.line(), d.column() + floor.getValue(), d.message());
    }
  }

  /**
   * {@code text} with every {@code ${name}} replaced by {@code values.get(name)}; a name without a
   * value is left as written (the campaign parser refuses those before anything is substituted).
   */
  public static Substituted apply(Path file, String text, Map<String, String> values) {
    var sb = new StringBuilder(text.length());
    var shifts = new java.util.HashMap<Integer, TreeMap<Integer, Integer>>();
    Matcher m = REFERENCE.matcher(text);
    int last = 0;
    int line = 1;
    int lineStartOut = 0; // index in sb where the current line starts
    int shift = 0; // original column - substituted column, after the last replacement on this line
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) continue;
      for (int i = last; i < m.start(); i++) {
        char c = text.charAt(i);
        sb.append(c);
        if (c == '\n') {
          line++;
          lineStartOut = sb.length();
          shift = 0;
        }
      }
      sb.append(value);
      shift += (m.end() - m.start()) - value.length();
      int columnAfter = sb.length() - lineStartOut + 1;
      shifts.computeIfAbsent(line, k -> new TreeMap<>()).put(columnAfter, shift);
      last = m.end();
    }
    sb.append(text, last, text.length());
    return new Substituted(file, sb.toString(), Map.copyOf(shifts));
  }
}

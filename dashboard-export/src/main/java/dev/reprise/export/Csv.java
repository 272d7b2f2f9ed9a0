package dev.reprise.export;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A minimal RFC 4180 CSV writer: comma separated, quoted when needed, empty cells for null/NaN, \n line ends.
 * Public for the campaign report ({@code dev.reprise.export.campaign}).
 */
public final class Csv implements Closeable {
  private final BufferedWriter out;

  public Csv(Path file, String... header) throws IOException {
    out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    row((Object[]) header);
  }

  public void row(Object... cells) throws IOException {
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        out.write(',');
      }
      out.write(cell(cells[i]));
    }
    out.write('\n');
  }

  public static String cell(Object v) {
    if (v == null) {
      return "";
    }
    if (v instanceof Double d) {
      return number(d);
    }
    if (v instanceof Float f) {
      return number(f.doubleValue());
    }
    String s = v.toString();
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  /** Up to 6 decimals, no exponent, no trailing zeros; empty for NaN/infinite. */
  public static String number(double d) {
    if (!Double.isFinite(d)) {
      return "";
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return Long.toString((long) d);
    }
    String s = String.format(Locale.ROOT, "%.6f", d);
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    return s.substring(0, end);
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}

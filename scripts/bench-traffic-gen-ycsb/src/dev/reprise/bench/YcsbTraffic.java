package dev.reprise.bench;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * YCSB 0.17's {@code site.ycsb.Client} in this JVM, its per-second status turned into Reprise's
 * workload line: the entry point of the {@code reprise/ycsb} image.
 *
 * <p>Usage: {@code YcsbTraffic load|run [YCSB options...]}. {@code load} is {@code -load},
 * {@code run} is {@code -t}; {@code -db dev.reprise.bench.CassandraYcsbDb}, {@code -s} and
 * {@code -p status.interval=1} are added unless given. Every status line YCSB writes on stderr
 * ({@code ... 12 sec: 3456 operations; 289.1 current ops/sec; [READ: Count=140, ..., 99=5121, ...]
 * [UPDATE: Count=149, ...] [READ-FAILED: Count=2, ...]}) becomes one line on stdout in the
 * traffic generator's format ({@code traffic-generator}'s {@code IntervalReport}):
 * {@code {"type":"traffic","time":ISO,"interval_ms":N,"ops_ok":N,"ops":{"read":N,"write":N},
 * "errors":{"other":N},"latency_ms":{"p50":null,"p95":null,"p99":ms,"max":ms},"in_flight":0,
 * "open_connections":0,"ops_failed":N,"behind_ms":0,"phase":"load|run"}}. {@code ops_ok} is the sum of
 * the interval's successful operation counts (YCSB's status counts are per interval: its HDR
 * histograms are reset at each status), errors the sum of the {@code *-FAILED} counts; p99 and max
 * are the largest over operation types, in ms (YCSB prints µs). {@code time} is when the line was
 * written (the end of its interval), {@code interval_ms} the time since the previous status line.
 * Every other stderr line passes through unchanged.
 */
public final class YcsbTraffic {
  private static final Pattern STATUS = Pattern.compile("\\d+ sec: \\d+ operations;.*?current ops/sec;(.*)");
  private static final Pattern OP = Pattern.compile("\\[([A-Za-z][A-Za-z0-9_-]*): ([^\\]]*)\\]");

  private YcsbTraffic() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !(args[0].equals("load") || args[0].equals("run"))) {
      System.err.println("usage: YcsbTraffic load|run [YCSB options...]");
      System.exit(2);
    }
    String phase = args[0];
    List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
    List<String> ycsb = new ArrayList<>();
    ycsb.add(phase.equals("load") ? "-load" : "-t");
    if (!rest.contains("-db")) {
      ycsb.addAll(List.of("-db", CassandraYcsbDb.class.getName()));
    }
    if (!rest.contains("-s")) {
      ycsb.add("-s");
    }
    if (rest.stream().noneMatch(a -> a.startsWith("status.interval="))) {
      ycsb.addAll(List.of("-p", "status.interval=1"));
    }
    ycsb.addAll(rest);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = System.err;
    System.setErr(new PrintStream(new LineSplitter(err, out, phase), true, StandardCharsets.UTF_8));
    err.println("ycsb: site.ycsb.Client " + String.join(" ", ycsb));
    site.ycsb.Client.main(ycsb.toArray(new String[0]));
  }

  /** Hands complete stderr lines to {@link Converter}; the rest of the stream passes through. */
  private static final class LineSplitter extends OutputStream {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    private final PrintStream err;
    private final Converter converter;

    LineSplitter(PrintStream err, PrintStream out, String phase) {
      this.err = err;
      this.converter = new Converter(out, phase);
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (!converter.accept(text)) {
          err.println(text);
        }
      } else {
        line.write(b);
      }
    }
  }

  /** Turns one YCSB status line into one workload line; not thread-safe (its caller locks). */
  static final class Converter {
    private final PrintStream out;
    private final String phase;
    private long previousNanos = System.nanoTime();

    Converter(PrintStream out, String phase) {
      this.out = out;
      this.phase = phase;
    }

    /** Whether {@code text} was a status line (then its workload line is written). */
    boolean accept(String text) {
      Matcher m = STATUS.matcher(text);
      if (!m.find()) {
        return false;
      }
      long now = System.nanoTime();
      long intervalMs = Math.max(1, Math.round((now - previousNanos) / 1e6));
      previousNanos = now;
      out.println(toLine(Instant.now(), intervalMs, m.group(1), phase));
      return true;
    }

    static String toLine(Instant time, long intervalMs, String ops, String phase) {
      long reads = 0;
      long writes = 0;
      long failed = 0;
      double p99 = -1;
      double max = -1;
      Matcher op = OP.matcher(ops);
      while (op.find()) {
        String name = op.group(1).toUpperCase(Locale.ROOT);
        long count = (long) field(op.group(2), "Count");
        if (name.equals("CLEANUP") || name.startsWith("INTENDED")) {
          continue;
        }
        if (name.endsWith("-FAILED")) {
          failed += count;
          continue;
        }
        if (name.equals("READ") || name.equals("SCAN")) {
          reads += count;
        } else {
          writes += count;
        }
        if (count > 0) {
          p99 = Math.max(p99, field(op.group(2), "99") / 1000.0);
          max = Math.max(max, field(op.group(2), "Max") / 1000.0);
        }
      }
      return "{\"type\":\"traffic\",\"time\":\"" + time + "\",\"interval_ms\":" + intervalMs
          + ",\"ops_ok\":" + (reads + writes)
          + ",\"ops\":{\"read\":" + reads + ",\"write\":" + writes + "}"
          + ",\"errors\":{\"other\":" + failed + "}"
          + ",\"latency_ms\":{\"p50\":null,\"p95\":null,\"p99\":" + millis(p99) + ",\"max\":" + millis(max) + "}"
          + ",\"in_flight\":0,\"open_connections\":0,\"ops_failed\":" + failed + ",\"behind_ms\":0"
          + ",\"phase\":\"" + phase + "\"}";
    }

    private static String millis(double ms) {
      return ms < 0 ? "null" : String.valueOf(Math.round(ms * 1000) / 1000.0);
    }

    /** The value of {@code name=} in {@code Count=1, Max=2, ...}; 0 when absent or not a number. */
    private static double field(String fields, String name) {
      for (String part : fields.split(",")) {
        int eq = part.indexOf('=');
        if (eq > 0 && part.substring(0, eq).strip().equals(name)) {
          try {
            return Double.parseDouble(part.substring(eq + 1).strip());
          } catch (NumberFormatException e) {
            return 0;
          }
        }
      }
      return 0;
    }
  }
}

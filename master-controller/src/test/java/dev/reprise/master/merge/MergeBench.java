package dev.reprise.master.merge;

import dev.reprise.fdsl.record.ContainerEventRecord;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.StatsRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The merge benchmark's two halves, run by {@code scripts/bench-merge.sh}:
 *
 * <ul>
 *   <li>{@code generate DIR TOTAL_MB [HOSTS]}: writes {@code DIR/<host>.jsonl} (default 3 hosts), each sorted
 *       by time, together about TOTAL_MB megabytes of what an agent writes: container log lines (no
 *       {@code host}: the merge adds it), stats samples and container events (with {@code host}), in
 *       {@link RecordJson} form, {@code time} first (so {@code sort -t'"' -k4,4} finds it).
 *   <li>{@code merge [--original] OUT HOST=FILE...}: merges the files into OUT with {@link RecordMerge}
 *       (or, with {@code --original}, the pre-issue-18 {@link OriginalRecordMerge}) and prints the result.
 *   <li>{@code warm ROUNDS HOST=FILE...}: merges ROUNDS times in one JVM into a discarding stream,
 *       printing the CPU and wall time of each round (the steady cost, without JVM start and JIT).
 * </ul>
 *
 * Deterministic: the same arguments write the same bytes.
 */
public final class MergeBench {
  private MergeBench() {}

  public static void main(String[] args) throws IOException {
    if (args.length >= 3 && args[0].equals("generate")) {
      generate(Path.of(args[1]), Long.parseLong(args[2]) << 20, args.length > 3 ? Integer.parseInt(args[3]) : 3);
    } else if (args.length >= 3 && args[0].equals("merge")) {
      int i = 1;
      boolean original = args[i].equals("--original");
      if (original) i++;
      Path out = Path.of(args[i++]);
      var sources = new ArrayList<RecordMerge.Source>();
      for (; i < args.length; i++) {
        int eq = args[i].indexOf('=');
        sources.add(new RecordMerge.Source(args[i].substring(0, eq), Path.of(args[i].substring(eq + 1))));
      }
      long t0 = System.nanoTime();
      RecordMerge.Result r = original ? OriginalRecordMerge.mergeTo(sources, out) : RecordMerge.mergeTo(sources, out);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.err.println((original ? "OriginalRecordMerge" : "RecordMerge") + ": " + r + " in " + ms + " ms");
    } else if (args.length >= 3 && args[0].equals("warm")) {
      warm(Integer.parseInt(args[1]), java.util.Arrays.asList(args).subList(2, args.length));
    } else {
      System.err.println("usage: MergeBench generate DIR TOTAL_MB [HOSTS] | merge [--original] OUT HOST=FILE... | warm ROUNDS HOST=FILE...");
      System.exit(2);
    }
  }

  /**
   * Merges the files ROUNDS times in this JVM into a discarding stream and prints each round's
   * process CPU and wall time, then the least after the first (the merge's steady cost, without JVM
   * start, compilation or the output file's writing).
   */
  private static void warm(int rounds, List<String> specs) throws IOException {
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    var sources = new ArrayList<RecordMerge.Source>();
    for (String a : specs) {
      int eq = a.indexOf('=');
      sources.add(new RecordMerge.Source(a.substring(0, eq), Path.of(a.substring(eq + 1))));
    }
    long bestCpu = Long.MAX_VALUE;
    long bestWall = Long.MAX_VALUE;
    for (int r = 0; r < rounds; r++) {
      long c0 = os.getProcessCpuTime();
      long w0 = System.nanoTime();
      RecordMerge.Result res = RecordMerge.merge(sources, OutputStream.nullOutputStream());
      long cpu = os.getProcessCpuTime() - c0;
      long wall = System.nanoTime() - w0;
      if (r > 0) {
        bestCpu = Math.min(bestCpu, cpu);
        bestWall = Math.min(bestWall, wall);
      }
      System.err.printf("round %d: cpu %.2f s, wall %.2f s, %s%n", r, cpu / 1e9, wall / 1e9, res);
    }
    if (rounds > 1) System.err.printf("least after the first round: cpu %.2f s, wall %.2f s%n", bestCpu / 1e9, bestWall / 1e9);
  }

  private static final String[] SERVICES = {"web", "db", "cache", "queue", "worker"};
  private static final String[] WORDS = {"GET", "POST", "/api/v1/items", "200", "404", "503", "took", "ms", "user=alice",
      "connection", "reset", "by", "peer", "retrying", "in", "\"quoted\"", "path=C:\\tmp", "\ttab", "ünïcödé", "→", "ok"};

  /** Writes {@code hosts} sorted files of about {@code totalBytes} together under {@code dir}. */
  static void generate(Path dir, long totalBytes, int hosts) throws IOException {
    Files.createDirectories(dir);
    long perHost = totalBytes / hosts;
    Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
    for (int h = 0; h < hosts; h++) {
      String host = "node" + (h + 1);
      var rnd = new Random(1000 + h);
      long written = 0;
      long micros = rnd.nextInt(1000);
      try (BufferedWriter w = Files.newBufferedWriter(dir.resolve(host + ".jsonl"), StandardCharsets.UTF_8)) {
        long n = 0;
        while (written < perHost) {
          micros += 1 + rnd.nextInt(600); // ~3,300 records/s per host
          Instant t = t0.plusNanos(micros * 1000);
          String service = SERVICES[rnd.nextInt(SERVICES.length)];
          int id = rnd.nextInt(4);
          String container = String.format("%064x", (long) (h * 100 + service.hashCode() * 7 + id)).substring(0, 64);
          int pick = rnd.nextInt(100);
          String line;
          if (pick < 80) {
            var text = new StringBuilder(t.toString()).append(" [").append(service).append('-').append(id).append("] ");
            int words = 8 + rnd.nextInt(40);
            for (int k = 0; k < words; k++) text.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
            if (rnd.nextInt(50) == 0) text.insert(0, "\u001b[32m").append("\u001b[0m");
            line = RecordJson.line(new LogRecord(t, service, id, container, rnd.nextInt(5) == 0 ? "stderr" : "stdout", text.toString()));
          } else if (pick < 98) {
            line = RecordJson.line(new StatsRecord(t, service, id, container, host, rnd.nextInt(20000) / 100.0,
                50_000_000L + rnd.nextInt(100_000_000), 1L << 30, n * 1024, n * 512, 4096L * rnd.nextInt(1000), 0));
          } else {
            String[] events = {"create", "start", "kill", "die", "stop", "destroy"};
            String e = events[rnd.nextInt(events.length)];
            line = RecordJson.line(new ContainerEventRecord(t, e, container, service, id, host,
                e.equals("die") ? 137 : null, e.equals("kill") ? "SIGKILL" : null));
          }
          w.write(line);
          w.write('\n');
          written += line.getBytes(StandardCharsets.UTF_8).length + 1;
          n++;
        }
      }
    }
  }
}

package dev.reprise.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.record.ContainerEventRecord;
import dev.reprise.fdsl.record.ContainerRecord;
import dev.reprise.fdsl.record.HostStatsRecord;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.StatsRecord;
import dev.reprise.fdsl.record.TimelineRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A run folder, read tolerantly: missing files are empty, malformed lines are skipped and reported
 * in {@link #warnings()}, unknown fields are ignored. The small files ({@code run.json}, timeline,
 * containers, container events, stats, host stats) are held in memory; container logs, which can be
 * large, are only streamed ({@link #forEachLog}), merged across containers in time order with one
 * buffered line per file.
 *
 * <p>Every time becomes seconds since {@link #t0()} through {@link #seconds(Instant)}. Immutable after
 * {@link #read} except for {@link #warnings()}, which log streaming appends to; use from one thread.
 */
public final class RunFolder {
  public static final String RUN_JSON = "run.json";
  public static final String TIMELINE = "timeline.jsonl";
  public static final String CONTAINERS = "containers.jsonl";
  public static final String CONTAINER_EVENTS = "container-events.jsonl";
  public static final String STATS = "stats.jsonl";
  public static final String HOST_STATS = "host-stats.jsonl";
  public static final String LOGS = "logs";

  private final Path dir;
  private final JsonNode run;
  private final Plan plan;
  private final List<TimelineRecord> timeline;
  private final List<ContainerRecord> containers;
  private final List<ContainerEventRecord> events;
  private final List<StatsRecord> stats;
  private final List<HostStatsRecord> hostStats;
  private final List<Path> logFiles;
  private final List<String> warnings;
  private final Instant t0;
  private final Instant end;

  private RunFolder(Path dir, JsonNode run, Plan plan, List<TimelineRecord> timeline, List<ContainerRecord> containers,
      List<ContainerEventRecord> events, List<StatsRecord> stats, List<HostStatsRecord> hostStats,
      List<Path> logFiles, Instant lastLog, List<String> warnings) {
    this.dir = dir;
    this.run = run;
    this.plan = plan;
    this.timeline = List.copyOf(timeline);
    this.containers = List.copyOf(containers);
    this.events = List.copyOf(events);
    this.stats = List.copyOf(stats);
    this.hostStats = List.copyOf(hostStats);
    this.logFiles = List.copyOf(logFiles);
    this.warnings = warnings;
    Instant first = times(timeline, events, stats, hostStats).min(Comparator.naturalOrder()).orElse(Instant.EPOCH);
    Instant last = Stream.concat(times(timeline, events, stats, hostStats), Stream.ofNullable(lastLog))
        .max(Comparator.naturalOrder()).orElse(first);
    Instant declaredT0 = instant(run, "t0");
    if (declaredT0 == null) {
      declaredT0 = instant(run, "start");
    }
    this.t0 = declaredT0 != null ? declaredT0 : first;
    Instant declaredEnd = instant(run, "end");
    if (declaredEnd == null && plan != null && declaredT0 != null) {
      declaredEnd = t0.plusMillis(plan.endMillis());
    }
    this.end = declaredEnd != null && declaredEnd.isAfter(t0) ? declaredEnd : (last.isAfter(t0) ? last : t0);
  }

  private static Stream<Instant> times(List<TimelineRecord> timeline, List<ContainerEventRecord> events,
      List<StatsRecord> stats, List<HostStatsRecord> hostStats) {
    return Stream.of(
            timeline.stream().map(r -> r.actual() != null ? r.actual() : r.planned()),
            events.stream().map(ContainerEventRecord::time),
            stats.stream().map(StatsRecord::time),
            hostStats.stream().map(HostStatsRecord::time))
        .flatMap(s -> s).filter(Objects::nonNull);
  }

  /**
   * Reads {@code dir}.
   *
   * @throws InvalidRunFolderException when {@code dir} does not exist, is not a directory, or holds
   *     neither {@code run.json} nor {@code timeline.jsonl}; the message names what is missing
   * @throws IOException when a file exists but cannot be read
   */
  public static RunFolder read(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      throw new InvalidRunFolderException("run folder " + dir + " does not exist; pass the folder `master run` wrote");
    }
    if (!Files.isDirectory(dir)) {
      throw new InvalidRunFolderException(dir + " is a file, not a run folder; pass the folder that holds " + RUN_JSON);
    }
    if (!Files.isRegularFile(dir.resolve(RUN_JSON)) && !Files.isRegularFile(dir.resolve(TIMELINE))) {
      throw new InvalidRunFolderException(dir + " is not a run folder: " + dir.resolve(RUN_JSON)
          + " and " + dir.resolve(TIMELINE) + " are both missing");
    }
    List<String> warnings = new ArrayList<>();
    JsonNode run = JsonNodeFactory.instance.objectNode();
    Path runJson = dir.resolve(RUN_JSON);
    if (Files.isRegularFile(runJson)) {
      try {
        run = RecordJson.mapper().readTree(runJson.toFile());
        if (run == null || !run.isObject()) {
          warnings.add(RUN_JSON + " is not a JSON object; run metadata ignored");
          run = JsonNodeFactory.instance.objectNode();
        }
      } catch (IOException e) {
        warnings.add(RUN_JSON + " is not valid JSON (" + firstLine(e.getMessage()) + "); run metadata ignored");
        run = JsonNodeFactory.instance.objectNode();
      }
    } else {
      warnings.add(RUN_JSON + " is missing; run metadata unknown, times relative to the first record");
    }
    Plan plan = null;
    JsonNode planNode = run.get("plan");
    if (planNode != null && planNode.isObject()) {
      try {
        plan = PlanJson.mapper().treeToValue(planNode, Plan.class);
      } catch (IOException | RuntimeException e) {
        warnings.add(RUN_JSON + ": 'plan' cannot be read (" + firstLine(e.getMessage())
            + "); planned alive counts and fault durations unknown");
      }
    }
    List<TimelineRecord> timeline = readAll(dir.resolve(TIMELINE), TimelineRecord.class, warnings);
    List<ContainerRecord> containers = readAll(dir.resolve(CONTAINERS), ContainerRecord.class, warnings);
    List<ContainerEventRecord> events = readAll(dir.resolve(CONTAINER_EVENTS), ContainerEventRecord.class, warnings);
    List<StatsRecord> stats = readAll(dir.resolve(STATS), StatsRecord.class, warnings);
    List<HostStatsRecord> hostStats = readAll(dir.resolve(HOST_STATS), HostStatsRecord.class, warnings);
    events.removeIf(e -> e.time() == null);
    stats.removeIf(e -> e.time() == null);
    hostStats.removeIf(e -> e.time() == null);
    events.sort(Comparator.comparing(ContainerEventRecord::time));
    stats.sort(Comparator.comparing(StatsRecord::time));
    hostStats.sort(Comparator.comparing(HostStatsRecord::time));
    List<Path> logFiles = List.of();
    Instant lastLog = null;
    Path logDir = dir.resolve(LOGS);
    if (Files.isDirectory(logDir)) {
      try (Stream<Path> list = Files.list(logDir)) {
        logFiles = list.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
      }
      for (Path f : logFiles) {
        Instant t = lastLogTime(f);
        if (t != null && (lastLog == null || t.isAfter(lastLog))) {
          lastLog = t;
        }
      }
    }
    return new RunFolder(dir, run, plan, timeline, containers, events, stats, hostStats, logFiles, lastLog, warnings);
  }

  private static <T> List<T> readAll(Path file, Class<T> type, List<String> warnings) throws IOException {
    List<T> out = new ArrayList<>();
    ObjectReader reader = RecordJson.mapper().readerFor(type);
    if (!Files.isRegularFile(file)) {
      return out;
    }
    int bad = 0;
    String firstError = null;
    int lineNo = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(reader.readValue(line));
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
          if (bad++ == 0) {
            firstError = "line " + lineNo + ": " + firstLine(e.getMessage());
          }
        }
      }
    }
    if (bad > 0) {
      warnings.add(file.getFileName() + ": skipped " + bad + " malformed line(s), first at " + firstError);
    }
    return out;
  }

  /** The time of the last parsable line of a log file, reading only its tail. */
  private static Instant lastLogTime(Path file) throws IOException {
    long size = Files.size(file);
    try (var ch = java.nio.channels.FileChannel.open(file)) {
      int n = (int) Math.min(size, 64 * 1024);
      var buf = java.nio.ByteBuffer.allocate(n);
      ch.read(buf, size - n);
      String tail = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
      String[] lines = tail.split("\n");
      for (int i = lines.length - 1; i >= 0; i--) {
        try {
          LogRecord r = RecordJson.parse(lines[i], LogRecord.class);
          if (r.time() != null) {
            return r.time();
          }
        } catch (IllegalArgumentException | DateTimeParseException e) {
          // a partial first line of the tail, or a malformed one: try the previous
        }
      }
    }
    return null;
  }

  /**
   * Streams every container log line of the run to {@code sink}, merged across containers in time
   * order (each file is assumed to be in time order, as Docker writes it). Memory: one line per file.
   * Malformed lines are skipped and counted in {@link #warnings()}.
   *
   * @throws UncheckedIOException when a log file cannot be read
   */
  public void forEachLog(Consumer<LogRecord> sink) {
    PriorityQueue<LogCursor> queue = new PriorityQueue<>(Comparator.comparing((LogCursor c) -> c.head.time())
        .thenComparing(c -> c.file));
    List<LogCursor> all = new ArrayList<>();
    try {
      for (Path f : logFiles) {
        LogCursor c = new LogCursor(f, Files.newBufferedReader(f, StandardCharsets.UTF_8));
        all.add(c);
        if (c.advance()) {
          queue.add(c);
        }
      }
      while (!queue.isEmpty()) {
        LogCursor c = queue.poll();
        sink.accept(c.head);
        if (c.advance()) {
          queue.add(c);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (LogCursor c : all) {
        try {
          c.in.close();
        } catch (IOException ignored) {
          // reading is done; nothing to recover
        }
        if (c.bad > 0) {
          warnings.add(LOGS + "/" + c.file.getFileName() + ": skipped " + c.bad + " malformed line(s)");
        }
      }
    }
  }

  private static final ObjectReader LOG_READER = RecordJson.mapper().readerFor(LogRecord.class);

  private static final class LogCursor {
    final Path file;
    final BufferedReader in;
    LogRecord head;
    int bad;

    LogCursor(Path file, BufferedReader in) {
      this.file = file;
      this.in = in;
    }

    boolean advance() throws IOException {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        try {
          LogRecord r = LOG_READER.readValue(line);
          if (r.time() != null) {
            head = r;
            return true;
          }
          bad++;
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
          bad++;
        }
      }
      return false;
    }
  }

  private static Instant instant(JsonNode run, String field) {
    JsonNode n = run.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    try {
      return Instant.parse(n.asText());
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  /** Seconds from T0 to {@code t} (negative before T0). */
  public double seconds(Instant t) {
    return (t.getEpochSecond() - t0.getEpochSecond()) + (t.getNano() - t0.getNano()) / 1e9;
  }

  /** Run length in seconds (T0 to end), at least 0. */
  public double durationSeconds() {
    return Math.max(0, seconds(end));
  }

  public Path dir() { return dir; }

  /** {@code run.json} as a tree (an empty object when missing or unreadable). */
  public JsonNode run() { return run; }

  /** The plan inside {@code run.json}, when present and readable. */
  public Optional<Plan> plan() { return Optional.ofNullable(plan); }

  /** The run's name from {@code run.json}, else the folder's name. */
  public String name() {
    String n = run.path("run_id").asText(run.path("name").asText(""));
    return n.isEmpty() ? String.valueOf(dir.toAbsolutePath().normalize().getFileName()) : n;
  }

  public List<TimelineRecord> timeline() { return timeline; }
  public List<ContainerRecord> containers() { return containers; }
  /** Container events in time order. */
  public List<ContainerEventRecord> events() { return events; }
  /** Container stats in time order. */
  public List<StatsRecord> stats() { return stats; }
  /** Host stats in time order. */
  public List<HostStatsRecord> hostStats() { return hostStats; }
  /** The {@code logs/*.jsonl} files, sorted by name. */
  public List<Path> logFiles() { return logFiles; }
  /** Problems met while reading, one sentence each; log streaming appends to it. */
  public List<String> warnings() { return warnings; }
  /** The instant every second count is relative to: {@code run.json}'s t0, else its start, else the first record. */
  public Instant t0() { return t0; }
  /** {@code run.json}'s end, else T0 + the plan's end, else the last record. */
  public Instant end() { return end; }
}

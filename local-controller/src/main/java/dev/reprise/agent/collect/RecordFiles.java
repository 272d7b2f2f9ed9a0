package dev.reprise.agent.collect;

import dev.reprise.fdsl.record.ClockRecord;
import dev.reprise.fdsl.record.ContainerEventRecord;
import dev.reprise.fdsl.record.ContainerRecord;
import dev.reprise.fdsl.record.HostStatsRecord;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.StatsRecord;
import dev.reprise.fdsl.record.TimelineRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The record files of one run in {@code records_dir}: {@code timeline.jsonl}, {@code containers.jsonl},
 * {@code container-events.jsonl}, {@code stats.jsonl}, {@code host-stats.jsonl}, {@code clock.jsonl}
 * (only with clock sync) and {@code logs/<service>.<id>.jsonl}, appended as JSON lines through
 * {@link RecordJson}. Timeline and clock records are flushed at once; the rest is flushed by {@link #flush()} (the agent calls it every
 * second), so a crash loses at most the last second. Thread-safe; writes after {@link #close()}
 * are dropped.
 */
public final class RecordFiles implements AutoCloseable {
  private final Path dir;
  private final Map<String, BufferedWriter> writers = new LinkedHashMap<>();
  private boolean closed;

  /** Creates {@code dir} and {@code dir/logs}. */
  public RecordFiles(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir.resolve("logs"));
    for (var name : new String[] {"timeline.jsonl", "containers.jsonl", "container-events.jsonl", "stats.jsonl", "host-stats.jsonl"}) {
      writer(name);
    }
  }

  public Path dir() {
    return dir;
  }

  public void timeline(TimelineRecord r) {
    append("timeline.jsonl", r, true);
  }

  public void container(ContainerRecord r) {
    append("containers.jsonl", r, false);
  }

  public void event(ContainerEventRecord r) {
    append("container-events.jsonl", r, false);
  }

  public void stats(StatsRecord r) {
    append("stats.jsonl", r, false);
  }

  public void hostStats(HostStatsRecord r) {
    append("host-stats.jsonl", r, false);
  }

  /** Appends to {@code clock.jsonl} and flushes it (measurements are rare and worth keeping). */
  public void clock(ClockRecord r) {
    append("clock.jsonl", r, true);
  }

  /**
   * Creates {@code logs/<service>.<id>.jsonl} if it does not exist yet, so a started container that
   * never prints still has its (empty) log file.
   */
  public synchronized void logFile(String service, int id) {
    if (closed) return;
    try {
      writer("logs/" + service + "." + id + ".jsonl");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir.resolve("logs/" + service + "." + id + ".jsonl") + ": " + e.getMessage(), e);
    }
  }

  /** Appends to {@code logs/<service>.<id>.jsonl}. */
  public void log(LogRecord r) {
    append("logs/" + r.service() + "." + r.id() + ".jsonl", r, false);
  }

  private synchronized void append(String name, Object record, boolean flush) {
    if (closed) return;
    try {
      var w = writer(name);
      w.write(RecordJson.line(record));
      w.write('\n');
      if (flush) w.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
    }
  }

  private BufferedWriter writer(String name) throws IOException {
    var w = writers.get(name);
    if (w == null) {
      w = Files.newBufferedWriter(dir.resolve(name), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      writers.put(name, w);
    }
    return w;
  }

  /** Flushes every file. */
  public synchronized void flush() {
    for (var e : writers.entrySet()) {
      try {
        e.getValue().flush();
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot write " + dir.resolve(e.getKey()) + ": " + ex.getMessage(), ex);
      }
    }
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    flush();
    closed = true;
    for (var w : writers.values()) {
      try {
        w.close();
      } catch (IOException ignored) {
        // flushed above; nothing to save
      }
    }
  }
}

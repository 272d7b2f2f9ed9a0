package dev.reprise.agent.collect;

import dev.reprise.agent.time.Scheduler;
import dev.reprise.fdsl.record.ClockRecord;
import dev.reprise.fdsl.record.ContainerEventRecord;
import dev.reprise.fdsl.record.ContainerRecord;
import dev.reprise.fdsl.record.HostStatsRecord;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.fdsl.record.StatsRecord;
import dev.reprise.fdsl.record.TimelineRecord;
import dev.reprise.time.Clock;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.Map;

/**
 * The record files of one run in {@code records_dir}: {@code timeline.jsonl}, {@code containers.jsonl},
 * {@code container-events.jsonl}, {@code stats.jsonl}, {@code host-stats.jsonl}, {@code clock.jsonl}
 * (only with clock sync) and {@code logs/<service>.<id>.jsonl}, appended as JSON lines through
 * {@link RecordJson}. Timeline and clock records are flushed at once; the rest at the latest one
 * interval after it was written, once {@link #flushEvery} runs (the agent: every 500 ms, on a
 * thread of its own, so a busy coordinator cannot hold records back), so a crash loses at most the
 * last interval. Thread-safe. A record written after {@link #close()} (a late heal, an action that
 * ended while the agent stopped) is still appended to its file, which is opened for that one write.
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
    if (closed) {
      try {
        Files.newBufferedWriter(dir.resolve("logs/" + service + "." + id + ".jsonl"), StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create " + dir.resolve("logs/" + service + "." + id + ".jsonl") + ": " + e.getMessage(), e);
      }
      return;
    }
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
    if (closed) {
      appendAfterClose(name, record);
      return;
    }
    try {
      var w = writer(name);
      w.write(RecordJson.line(record));
      w.write('\n');
      if (flush) w.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
    }
  }

  private void appendAfterClose(String name, Object record) {
    try (var w = Files.newBufferedWriter(dir.resolve(name), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
        StandardOpenOption.APPEND)) {
      w.write(RecordJson.line(record));
      w.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(name) + " (after close): " + e.getMessage(), e);
    }
  }

  /**
   * Flushes every file every {@code interval} (absolute deadlines on {@code clock}) until
   * {@link #close()}: {@code scheduler} only hands each flush to {@code flusher}, so a slow disk
   * never delays another deadline. Call once, from any thread; a failed flush is retried at the next one.
   */
  public void flushEvery(Duration interval, Clock clock, Scheduler scheduler, Executor flusher) {
    scheduleFlush(clock.now().plus(interval), interval, scheduler, flusher);
  }

  private void scheduleFlush(Instant at, Duration interval, Scheduler scheduler, Executor flusher) {
    synchronized (this) {
      if (closed) return;
    }
    scheduler.at(at, () -> {
      try {
        flusher.execute(() -> {
          try {
            flushIfOpen();
          } catch (UncheckedIOException e) {
            // the next flush tries again; the write that failed reported the same problem
          }
          scheduleFlush(at.plus(interval), interval, scheduler, flusher);
        });
      } catch (RejectedExecutionException e) {
        // the agent is ending: close() flushes
      }
    });
  }

  private synchronized void flushIfOpen() {
    if (!closed) flush();
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

package dev.reprise.master.runqueue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One queued run's events: numbered 1, 2, 3, … as they are appended, the last {@link #MEMORY} kept
 * in memory while the run is not over, and each appended to {@code events.jsonl} in the submission's
 * folder (one JSON object a line, in order) on the queue's writer thread, so the history outlives
 * the server. Readers get older events from the file. Thread-safe: {@link #append} is quick (no I/O
 * on the caller's thread, which may be a run's coordinator), readers may wait for new events.
 */
final class EventLog {
  static final String FILE = "events.jsonl";
  /** Events kept in memory per run. */
  static final int MEMORY = 10_000;

  static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path file;
  private final ExecutorService writer;
  private final Consumer<String> warn;
  private final ArrayDeque<RunEvent> recent = new ArrayDeque<>();
  /** The ID of the first event in {@link #recent} when it is not empty; else the next ID. */
  private long firstInMemory;
  private long lastId;
  private boolean ended;
  private boolean released;

  private EventLog(Path file, ExecutorService writer, Consumer<String> warn, long lastId, boolean ended) {
    this.file = file;
    this.writer = writer;
    this.warn = warn;
    this.lastId = lastId;
    this.firstInMemory = lastId + 1;
    this.ended = ended;
    this.released = ended;
  }

  /** The log of the submission in {@code dir}, continuing what its {@code events.jsonl} holds (none: empty). */
  static EventLog open(Path dir, ExecutorService writer, Consumer<String> warn) {
    Path file = dir.resolve(FILE);
    long last = 0;
    boolean ended = false;
    for (RunEvent e : readFile(file, 0, Long.MAX_VALUE)) {
      last = e.id();
      ended = "ended".equals(e.type());
    }
    return new EventLog(file, writer, warn, last, ended);
  }

  /**
   * Appends an event of {@code type} (null values in {@code data} are dropped) and returns it with
   * its ID. Nothing is appended after {@code ended}: returns null then.
   */
  synchronized RunEvent append(String type, Instant at, Map<String, Object> data) {
    if (ended) return null;
    var clean = new java.util.LinkedHashMap<String, Object>();
    if (data != null) data.forEach((k, v) -> {
      if (v != null) clean.put(k, v);
    });
    var event = new RunEvent(++lastId, type, at, clean);
    if (recent.isEmpty()) firstInMemory = event.id();
    recent.addLast(event);
    if (recent.size() > MEMORY) {
      recent.removeFirst();
      firstInMemory++;
    }
    boolean last = "ended".equals(type);
    if (last) ended = true;
    writer.execute(() -> write(event, last));
    notifyAll();
    return event;
  }

  private void write(RunEvent event, boolean sync) {
    try {
      Files.createDirectories(file.getParent());
      byte[] line = (JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
      try (var ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
        ch.write(ByteBuffer.wrap(line));
        if (sync) ch.force(true);
      }
    } catch (IOException | RuntimeException e) {
      warn.accept("warning: run queue: cannot append to " + file + ": " + e.getMessage());
    }
    if (sync) release();
  }

  /** After {@code ended} is on disk: readers get everything from the file, the memory is freed. */
  private synchronized void release() {
    recent.clear();
    firstInMemory = lastId + 1;
    released = true;
  }

  synchronized long lastId() {
    return lastId;
  }

  synchronized boolean ended() {
    return ended;
  }

  /**
   * The events after {@code afterId} known now, in order (possibly only the older part of them, read
   * from the file: call again with the last one's ID); empty when there is none yet. Not on the writer thread.
   */
  List<RunEvent> after(long afterId) {
    long memoryFrom;
    synchronized (this) {
      if (afterId >= lastId) return List.of();
      memoryFrom = firstInMemory;
      if (afterId + 1 >= memoryFrom && !recent.isEmpty()) {
        var out = new ArrayList<RunEvent>();
        for (RunEvent e : recent) if (e.id() > afterId) out.add(e);
        return out;
      }
    }
    flushWriter();
    return readFile(file, afterId, memoryFrom);
  }

  /** Waits until an event after {@code afterId} exists, the log ended with nothing after it, or {@code stop} says so (after {@link #wake}). */
  synchronized void awaitAfter(long afterId, BooleanSupplier stop) throws InterruptedException {
    while (lastId <= afterId && !ended && !stop.getAsBoolean()) wait();
  }

  /** Wakes the waiting readers (a subscription closed). */
  synchronized void wake() {
    notifyAll();
  }

  /** Waits until every event appended so far is written (not on the writer thread). */
  private void flushWriter() {
    try {
      writer.submit(() -> {}).get();
    } catch (ExecutionException | java.util.concurrent.RejectedExecutionException e) {
      // the writer is gone (the queue closed): the file holds what was written
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The file's events with {@code afterId < id < beforeId}, skipping a torn last line. */
  static List<RunEvent> readFile(Path file, long afterId, long beforeId) {
    var out = new ArrayList<RunEvent>();
    if (!Files.isRegularFile(file)) return out;
    try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
      lines.forEach(line -> {
        if (line.isBlank()) return;
        try {
          RunEvent e = JSON.readValue(line, RunEvent.class);
          if (e.id() > afterId && e.id() < beforeId) out.add(e);
        } catch (IOException | RuntimeException ignored) {
          // a line torn by a crash mid-write: the events before it stand
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  synchronized boolean released() {
    return released;
  }
}

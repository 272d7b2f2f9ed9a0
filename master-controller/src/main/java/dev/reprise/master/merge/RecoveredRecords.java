package dev.reprise.master.merge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reprise.fdsl.record.ClockRecord;
import dev.reprise.fdsl.record.ContainerEventRecord;
import dev.reprise.fdsl.record.ContainerRecord;
import dev.reprise.fdsl.record.LogRecord;
import dev.reprise.fdsl.record.RecordJson;
import dev.reprise.master.orchestrator.Orchestrator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Writes what the orchestrator still held of a lost host's containers ({@link Orchestrator#salvage})
 * into that host's folder in the run ({@code <run>/hosts/<host>/}), beside what was collected from its
 * agent, in the agent's record formats but in files of their own whose names say where they come from:
 * {@code containers.recovered.jsonl}, {@code container-events.recovered.jsonl} and
 * {@code logs/<service>.<id>.recovered.jsonl}. Every such record also carries
 * {@code "recovered_from": "orchestrator"}, so it stays recognisable once {@link RunCollector#mergeHosts}
 * has merged it into the run's files of its kind (readers ignore the field).
 *
 * <p>Only what the agent's own files lack is written: a container the agent never listed
 * ({@code containers.jsonl}), a {@code start} for such a container (at its task's running time, or
 * its creation when it already ended), a {@code die} with the exit code for an ended container the
 * agent saw no {@code die} of (at the time its task ended), and the log lines after the last one the
 * agent recorded for that container. Times are moved onto the run's clock with the host's last
 * clock correction in its {@code clock.jsonl} (none without one), as the agent moves the engine's.
 * Rewrites its files on every call (idempotent) and leaves none where nothing was recovered, except
 * the (possibly empty) log file of a container the agent never saw, as the agent leaves one for every
 * container it saw start. Not thread-safe; the run coordinator's thread.
 */
public final class RecoveredRecords {
  /** What the file name of a recovered record file ends with, in place of {@code .jsonl}. */
  public static final String SUFFIX = ".recovered.jsonl";
  /** The field every recovered record carries, and its value. */
  public static final String FIELD = "recovered_from";
  public static final String ORCHESTRATOR = "orchestrator";

  /** What was written: containers the agent had not listed, events, log lines. */
  public record Written(int containers, int events, long logLines) {
    public boolean nothing() {
      return containers == 0 && events == 0 && logLines == 0;
    }
  }

  private RecoveredRecords() {}

  /** The kind a record file of a host folder belongs to: {@code x.recovered.jsonl} is of kind {@code x.jsonl}. */
  public static String kindOf(String relativePath) {
    return relativePath.endsWith(SUFFIX) ? relativePath.substring(0, relativePath.length() - SUFFIX.length()) + ".jsonl" : relativePath;
  }

  /** The recovered file of kind {@code kind} ({@code container-events.jsonl} → {@code container-events.recovered.jsonl}). */
  public static String recoveredFile(String kind) {
    return kind.substring(0, kind.length() - ".jsonl".length()) + SUFFIX;
  }

  /**
   * Writes {@code salvage} of host {@code host} into {@code hostDir} (created when missing).
   *
   * @throws IOException when the folder cannot be written; an unreadable agent file counts as empty
   */
  public static Written write(Path hostDir, String host, Orchestrator.Salvage salvage) throws IOException {
    Files.createDirectories(hostDir.resolve("logs"));
    long correctionNanos = (long) (lastCorrectionMillis(hostDir.resolve("clock.jsonl")) * 1_000_000);
    Set<String> listed = new HashSet<>();
    lines(hostDir.resolve("containers.jsonl")).forEach(l -> listed.add(l.path("container").asText()));
    Set<String> seen = new HashSet<>(listed);
    Set<String> died = new HashSet<>();
    lines(hostDir.resolve("container-events.jsonl")).forEach(l -> {
      String c = l.path("container").asText();
      seen.add(c);
      if ("die".equals(l.path("event").asText())) died.add(c);
    });
    int containers = 0;
    int events = 0;
    long logLines = 0;
    try (var cw = Files.newBufferedWriter(hostDir.resolve(recoveredFile("containers.jsonl")), StandardCharsets.UTF_8);
        var ew = Files.newBufferedWriter(hostDir.resolve(recoveredFile("container-events.jsonl")), StandardCharsets.UTF_8)) {
      for (var c : salvage.containers()) {
        Instant created = shifted(c.created(), correctionNanos);
        Instant since = shifted(c.stateSince(), correctionNanos);
        if (!listed.contains(c.containerId())) {
          write(cw, new ContainerRecord(c.containerId(), c.fdslService(), c.id(), null, null, host, null, created));
          containers++;
        }
        if (!seen.contains(c.containerId())) {
          Instant started = c.ended() ? created : since;
          if (started != null) {
            write(ew, new ContainerEventRecord(started, "start", c.containerId(), c.fdslService(), c.id(), host, null, null));
            events++;
          }
        }
        if (c.ended() && !died.contains(c.containerId()) && since != null) {
          write(ew, new ContainerEventRecord(since, "die", c.containerId(), c.fdslService(), c.id(), host, c.exitCode(), null));
          events++;
        }
        logLines += writeLogs(hostDir, c, correctionNanos, !seen.contains(c.containerId()));
      }
    }
    // a file with nothing recovered would only say "nothing": leave none
    if (containers == 0) Files.delete(hostDir.resolve(recoveredFile("containers.jsonl")));
    if (events == 0) Files.delete(hostDir.resolve(recoveredFile("container-events.jsonl")));
    return new Written(containers, events, logLines);
  }

  /** The lines of {@code c} after the agent's last one for that container; the file is created for an unseen container even when empty. */
  private static long writeLogs(Path hostDir, Orchestrator.SalvagedContainer c, long correctionNanos, boolean unseen) throws IOException {
    String kind = "logs/" + c.fdslService() + "." + c.id() + ".jsonl";
    Instant last = Instant.MIN;
    for (var l : (Iterable<com.fasterxml.jackson.databind.JsonNode>) lines(hostDir.resolve(kind))::iterator) {
      if (!c.containerId().equals(l.path("container").asText())) continue;
      Instant t = instant(l.path("time").asText(null));
      if (t != null && t.isAfter(last)) last = t;
    }
    Instant after = last;
    var fresh = c.logs().stream().filter(l -> l.time() != null && shifted(l.time(), correctionNanos).isAfter(after)).toList();
    Path file = hostDir.resolve(recoveredFile(kind));
    if (fresh.isEmpty() && !unseen) {
      Files.deleteIfExists(file);
      return 0;
    }
    try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (var l : fresh) {
        write(w, new LogRecord(shifted(l.time(), correctionNanos), c.fdslService(), c.id(), c.containerId(), l.stream(), l.text()));
      }
    }
    return fresh.size();
  }

  private static void write(BufferedWriter w, Object record) throws IOException {
    ObjectNode node = RecordJson.mapper().valueToTree(record);
    node.put(FIELD, ORCHESTRATOR);
    w.write(RecordJson.mapper().writeValueAsString(node));
    w.write('\n');
  }

  private static Instant shifted(Instant t, long nanos) {
    return t == null ? null : t.plusNanos(nanos);
  }

  /** The correction of the last record of {@code clock.jsonl}; 0 when there is none. */
  private static double lastCorrectionMillis(Path clock) {
    double[] last = {0};
    lines(clock).forEach(l -> {
      try {
        last[0] = RecordJson.mapper().treeToValue(l, ClockRecord.class).correctionMillis();
      } catch (IOException | IllegalArgumentException e) {
        // an unreadable line keeps the previous correction
      }
    });
    return last[0];
  }

  /** The JSON objects of a record file, skipping lines that are not; empty when the file is missing or unreadable. */
  private static Stream<com.fasterxml.jackson.databind.JsonNode> lines(Path file) {
    if (!Files.isRegularFile(file)) return Stream.empty();
    List<String> text;
    try {
      text = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      return Stream.empty();
    }
    return text.stream().filter(l -> !l.isBlank()).map(l -> {
      try {
        return RecordJson.mapper().readTree(l);
      } catch (IOException e) {
        return null;
      }
    }).filter(n -> n instanceof ObjectNode);
  }

  private static Instant instant(String text) {
    if (text == null) return null;
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}

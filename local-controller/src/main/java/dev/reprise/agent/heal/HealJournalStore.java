package dev.reprise.agent.heal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.reprise.agent.runtime.RuntimeFailure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's on-disk heal journal: one small JSON file per applied fault effect that is not healed
 * yet, in a folder of its own per host ({@code <root>/<node>/}), written and synced <em>before</em>
 * the effect is applied and deleted once it is healed. A file that outlives its agent (killed,
 * host rebooted) is healed by the agent's watchdog ({@link Watchdog}) or at the agent's next start
 * ({@link LeftoverHealer}), from the file alone. Thread-safe.
 *
 * <p>The root is {@code $REPRISE_STATE_DIR}, else {@code /var/lib/reprise/heal-journal}.
 */
public final class HealJournalStore {

  /**
   * One applied effect.
   *
   * @param agentPid the PID of the agent that applied it, with {@code agentStart} its start time: the
   *     pair tells whether that agent still runs (a PID alone may be reused)
   * @param mechanism how it was applied, e.g. {@code netem}, {@code iptables}, {@code nfqueue}
   * @param undo the steps that undo it, in order
   */
  public record Entry(String runId, String node, long agentPid, Instant agentStart, int seq, String fault, String label,
      String service, Integer id, String container, String mechanism, Instant applied, List<UndoStep> undo) {
    public Entry {
      undo = List.copyOf(undo);
    }
  }

  /** An entry as read back, with its file. */
  public record Stored(Path file, Entry entry) {}

  static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private static final AtomicLong COUNTER = new AtomicLong();

  private final Path dir;

  /** The journal of host {@code node} under {@code root}. */
  public HealJournalStore(Path root, String node) {
    this.dir = root.resolve(safe(node == null ? "local" : node));
  }

  /** {@code $REPRISE_STATE_DIR}, else {@code /var/lib/reprise/heal-journal}. */
  public static Path defaultRoot() {
    var env = System.getenv("REPRISE_STATE_DIR");
    return Path.of(env != null && !env.isBlank() ? env : "/var/lib/reprise/heal-journal");
  }

  /** This host's folder. */
  public Path dir() {
    return dir;
  }

  /**
   * Writes {@code entry} durably (a temporary file, synced, renamed into place) and returns its file.
   *
   * @throws RuntimeFailure when it cannot be written: the effect must not be applied then
   */
  public Path write(Entry entry) {
    Objects.requireNonNull(entry, "entry");
    var name = safe(entry.runId()) + "." + entry.seq() + "." + safe(shortId(entry.container())) + "."
        + System.nanoTime() + "-" + COUNTER.incrementAndGet() + ".json";
    var file = dir.resolve(name);
    var tmp = dir.resolve("." + name + ".tmp");
    try {
      Files.createDirectories(dir);
      try (var ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(JSON.writeValueAsBytes(entry)));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      syncDir();
      return file;
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort
      }
      throw new RuntimeFailure("cannot write the heal journal in " + dir + ": " + e.getMessage()
          + " (the fault is not applied: the agent applies nothing it could not undo after a crash)", e);
    }
  }

  /** Deletes an entry's file (its effect is healed); a missing file is fine. */
  public void remove(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new RuntimeFailure("cannot delete heal journal entry " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every entry on disk, oldest first; files that cannot be read are returned in {@code unreadable}
   * (with why) and left in place.
   */
  public List<Stored> list(List<String> unreadable) {
    var out = new ArrayList<Stored>();
    if (!Files.isDirectory(dir)) return out;
    try (var files = Files.list(dir)) {
      for (var f : files.sorted().toList()) {
        var n = f.getFileName().toString();
        if (!n.endsWith(".json") || n.startsWith(".")) continue;
        try {
          out.add(new Stored(f, JSON.readValue(f.toFile(), Entry.class)));
        } catch (IOException e) {
          unreadable.add(f + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      unreadable.add(dir + ": " + e.getMessage());
    }
    out.sort(java.util.Comparator.comparing(s -> s.entry().applied() == null ? Instant.EPOCH : s.entry().applied()));
    return out;
  }

  private void syncDir() {
    try (var ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException ignored) {
      // not every file system syncs a folder; the rename is what matters
    }
  }

  private static String shortId(String container) {
    return container == null ? "-" : container.substring(0, Math.min(12, container.length()));
  }

  static String safe(String part) {
    return part == null ? "-" : part.replaceAll("[^A-Za-z0-9_.-]", "_");
  }
}

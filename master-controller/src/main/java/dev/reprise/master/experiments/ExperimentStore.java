package dev.reprise.master.experiments;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The experiments known in a state folder, in one JSON file ({@code experiments.json}): each status
 * with the PID of the process that carries it out and its run folder. Several processes may share
 * the folder (a server, foreground {@code master inject}s): every change is a read-modify-write of
 * the whole file under an exclusive lock ({@code experiments.lock}), written atomically. Ended
 * experiments beyond {@code historyLimit} are dropped, oldest first.
 */
public final class ExperimentStore {

  /**
   * One experiment as stored.
   *
   * @param pid the process that carries it out (its foreground {@code master inject}, or the server)
   * @param runDir its run folder, null until it exists
   */
  public record Entry(ExperimentStatus status, long pid, String runDir) {}

  private static final TypeReference<List<Entry>> ENTRIES = new TypeReference<>() {};

  private final Path dir;
  private final int historyLimit;

  public ExperimentStore(Path dir, int historyLimit) {
    this.dir = dir;
    this.historyLimit = historyLimit;
  }

  public Path file() {
    return dir.resolve("experiments.json");
  }

  /** Every stored entry, newest first; empty when there is no file yet. */
  public synchronized List<Entry> read() throws IOException {
    Files.createDirectories(dir);
    try (var ch = FileChannel.open(dir.resolve("experiments.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         var lock = ch.lock()) {
      return readUnlocked();
    }
  }

  /** Applies {@code change} to the entries by ID (insertion order kept) and writes the result. */
  public synchronized void update(UnaryOperator<Map<String, Entry>> change) throws IOException {
    Files.createDirectories(dir);
    try (var ch = FileChannel.open(dir.resolve("experiments.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         var lock = ch.lock()) {
      var byId = new LinkedHashMap<String, Entry>();
      for (var e : readUnlocked()) byId.put(e.status().experimentId(), e);
      var next = change.apply(byId);
      var kept = new ArrayList<>(next.values());
      kept.sort(NEWEST_FIRST);
      int ended = 0;
      var out = new ArrayList<Entry>();
      for (var e : kept) {
        if (e.status().status().isFinal() && ++ended > historyLimit) continue;
        out.add(e);
      }
      Path tmp = dir.resolve("experiments.json.tmp");
      Files.writeString(tmp, ExperimentJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(out) + "\n");
      Files.move(tmp, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private List<Entry> readUnlocked() throws IOException {
    if (!Files.exists(file())) return List.of();
    String text = Files.readString(file());
    if (text.isBlank()) return List.of();
    var list = new ArrayList<>(ExperimentJson.mapper().readValue(text, ENTRIES));
    list.sort(NEWEST_FIRST);
    return list;
  }

  static final Comparator<Entry> NEWEST_FIRST = Comparator.comparing((Entry e) -> e.status().injectedAt(),
      Comparator.nullsLast(Comparator.reverseOrder())).thenComparing(e -> e.status().experimentId());
}

package dev.reprise.master.runqueue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.master.catalog.RunQueueTable.QueueEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The queue without a catalog: {@code <state>/queue.json}, every entry, rewritten whole on every
 * change as {@code campaign.json} is (written to {@code queue.json.tmp}, forced to disk, renamed over
 * the old one), so a server killed at any instant leaves the old queue or the new one, never a torn one.
 */
final class FileQueueStore implements QueueStore {
  static final String FILE = "queue.json";

  /** The file's form: a version and the entries by position. */
  record QueueFile(int version, List<QueueEntry> runs) {}

  private final Path file;
  private final ObjectMapper json = EventLog.JSON;
  private final Map<String, QueueEntry> entries = new LinkedHashMap<>();

  FileQueueStore(Path stateDir) {
    this.file = stateDir.resolve(FILE);
  }

  @Override
  public List<QueueEntry> load() throws IOException {
    entries.clear();
    if (Files.isRegularFile(file)) {
      QueueFile read = json.readValue(file.toFile(), QueueFile.class);
      if (read.runs() != null) read.runs().forEach(e -> entries.put(e.queueId(), e));
    }
    return sorted();
  }

  @Override
  public void save(QueueEntry entry) throws IOException {
    entries.put(entry.queueId(), entry);
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(FILE + ".tmp");
    byte[] bytes = (json.writerWithDefaultPrettyPrinter().writeValueAsString(new QueueFile(1, sorted())) + "\n")
        .getBytes(StandardCharsets.UTF_8);
    try (var ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.write(ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private List<QueueEntry> sorted() {
    var list = new ArrayList<>(entries.values());
    list.sort(Comparator.comparingLong(QueueEntry::position).thenComparing(QueueEntry::queueId));
    return list;
  }

  @Override
  public String describe() {
    return file.toString();
  }

  @Override
  public void close() {}
}

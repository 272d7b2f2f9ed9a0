package dev.reprise.master.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Where a run's folder is, by its run ID (the folder's name under {@code --out}). */
@FunctionalInterface
public interface RunFiles {

  /** The folder of run {@code runId}, when it exists; never a path outside the runs' root. */
  Optional<Path> folder(String runId);

  /** Run folders directly under {@code root}: {@code root/<runId>}, when that is a directory. */
  static RunFiles under(Path root) {
    return runId -> {
      if (runId == null || runId.isEmpty() || runId.contains("/") || runId.contains("\\") || runId.equals(".")
          || runId.equals("..") || runId.indexOf('\0') >= 0) {
        return Optional.empty();
      }
      Path dir = root.resolve(runId);
      return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    };
  }
}

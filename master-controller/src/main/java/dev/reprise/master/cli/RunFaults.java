package dev.reprise.master.cli;

import dev.reprise.fdsl.LoadedScenario;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The ONE faults folder a run uses ({@code RunRequest.faultsDir}: the local agent reads it, a
 * multi-host run ships it to every host). When every custom script the scenario uses was found in
 * one folder (the scenario's {@code faults/}, {@code environment.faults}, {@code --faults} or
 * {@code LSDS_FAULTS_FOLDER_LOCAL}), that folder as it is, so helper files beside the scripts come
 * along; when no script is used, the scenario's {@code faults/} (as before). When the scripts come
 * from several folders, a temporary folder holding a copy of each used script under its name (file
 * attributes, executable bits included, kept), removed by {@link #close()}. Used on one thread.
 */
final class RunFaults implements AutoCloseable {
  private final Path dir;
  private final Path merged;

  private RunFaults(Path dir, Path merged) {
    this.dir = dir;
    this.merged = merged;
  }

  static RunFaults of(LoadedScenario loaded) throws IOException {
    if (loaded.faultFolders().size() <= 1) return new RunFaults(loaded.faultsDir(), null);
    Path tmp = Files.createTempDirectory("reprise-faults-");
    try {
      for (var e : loaded.faultScripts().entrySet()) {
        Files.copy(e.getValue(), tmp.resolve(e.getKey()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    } catch (IOException e) {
      delete(tmp);
      throw new IOException("cannot merge the custom fault scripts of " + loaded.faultFolders() + " into " + tmp + ": "
          + e.getMessage(), e);
    }
    return new RunFaults(tmp, tmp);
  }

  /** The folder the run reads and ships its custom fault scripts from. */
  Path dir() {
    return dir;
  }

  /** Whether {@link #dir()} is a merged temporary copy. */
  boolean merged() {
    return merged != null;
  }

  /** Removes the merged copy, if any. */
  @Override
  public void close() {
    if (merged != null) delete(merged);
  }

  private static void delete(Path root) {
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary folder
    }
  }
}

package dev.reprise.master.run;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Names and creates run folders: {@code <out>/<name>-<yyyyMMdd-HHmmss>/} (UTC), with {@code -2},
 * {@code -3}... appended when that folder exists. The folder's name is also the run's ID and its
 * stack's name, so names are reduced to the characters swarm accepts.
 */
public final class RunFolders {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  /** Swarm service names are at most 63 characters; keep room for {@code _<service>}. */
  static final int MAX_ID = 40;

  private RunFolders() {}

  /**
   * The default run name for a scenario file: its base name without extension ({@code hello.yaml} →
   * {@code hello}), or its folder's name when the file is the conventional {@code scenario.yaml}
   * ({@code examples/hello/scenario.yaml} → {@code hello}).
   */
  public static String defaultName(Path scenarioFile) {
    Path abs = scenarioFile.toAbsolutePath().normalize();
    String base = abs.getFileName().toString();
    int dot = base.lastIndexOf('.');
    String stem = dot > 0 ? base.substring(0, dot) : base;
    if (stem.equals("scenario") && abs.getParent() != null && abs.getParent().getFileName() != null) {
      return abs.getParent().getFileName().toString();
    }
    return stem;
  }

  /** {@code name} reduced to {@code [A-Za-z0-9_.-]}, starting with a letter or digit, never empty. */
  public static String sanitize(String name) {
    String s = name.replaceAll("[^A-Za-z0-9_.-]+", "-").replaceAll("^[^A-Za-z0-9]+", "");
    if (s.isEmpty()) s = "run";
    int max = MAX_ID - "-yyyyMMdd-HHmmss-99".length();
    return s.length() > max ? s.substring(0, max) : s;
  }

  /** Creates and returns a new, empty run folder under {@code out} (created too when missing). */
  public static Path create(Path out, String name, Instant now) throws IOException {
    Files.createDirectories(out);
    String base = sanitize(name) + "-" + STAMP.format(now);
    for (int i = 1; ; i++) {
      Path dir = out.resolve(i == 1 ? base : base + "-" + i);
      try {
        return Files.createDirectory(dir);
      } catch (FileAlreadyExistsException e) {
        // taken (a run started within the same second): try the next suffix
      }
    }
  }
}

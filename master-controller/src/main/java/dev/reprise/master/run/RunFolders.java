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
 * {@code -3}... appended when that folder exists. The folder's name is also the run's ID; it keeps
 * the user's name as far as a file name and a run ID in a URL or a remote path allow
 * ({@code [A-Za-z0-9._-]}: dots and capitals stay, a user's folder {@code My Scenario.v1} names runs
 * {@code My-Scenario.v1-<stamp>}). The run's stack is named {@link #stackName} of the ID: swarm
 * requires its networks' and services' names ({@code <stack>_<name>}) to be DNS name components
 * ({@code [A-Za-z0-9]} runs joined by {@code -} or {@code _}, at most 63 characters), so there the
 * dots become dashes ({@code My-Scenario-v1-<stamp>}).
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

  /**
   * {@code name} reduced to {@code [A-Za-z0-9_-]} (every other run of characters, dots included,
   * becomes one {@code -}), starting with a letter or digit, never empty.
   */
  public static String sanitize(String name) {
    String s = name.replaceAll("[^A-Za-z0-9_-]+", "-").replaceAll("^[^A-Za-z0-9]+", "");
    if (s.isEmpty()) s = "run";
    return shorten(s, name, MAX_ID - "-yyyyMMdd-HHmmss-99".length());
  }

  /**
   * {@code name} as a run folder's name part: reduced to {@code [A-Za-z0-9._-]} (every other run of
   * characters becomes one {@code -}, a run of dots one dot), starting with a letter or digit (no
   * hidden folder, no {@code ..}), never empty, shortened with a hash as {@link #sanitize} is.
   */
  public static String folderName(String name) {
    String s = name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("\\.{2,}", ".").replaceAll("^[^A-Za-z0-9]+", "");
    if (s.isEmpty()) s = "run";
    return shorten(s, name, MAX_ID - "-yyyyMMdd-HHmmss-99".length());
  }

  /**
   * The stack name of run {@code runId} (a name {@link #create} made): every character a DNS name
   * component refuses (the dots) becomes {@code -}, one for one, so it is exactly as long as the ID
   * and the ID's length limits hold for it. IDs differing only in dots for dashes share a stack
   * name; {@link #create} makes IDs within the same second only, so that takes two such names
   * started in one second.
   */
  public static String stackName(String runId) {
    return runId.replaceAll("[^A-Za-z0-9_-]", "-");
  }

  /** The shortest kept part before a hash suffix is worth it: below, names are only cut. */
  private static final int MIN_HASHED = 6;

  /**
   * {@code s} when it fits in {@code keep} characters; else its start and {@code -} and 4 hex digits
   * of a hash of the user's {@code name}, so two long names that share their start still name
   * different runs (cut only, without the hash, when fewer than {@value #MIN_HASHED} characters fit).
   */
  static String shorten(String s, String name, int keep) {
    if (s.length() <= keep) return s;
    if (keep < MIN_HASHED) return s.substring(0, keep);
    String hash = String.format("%04x", name.hashCode() & 0xffff);
    String start = s.substring(0, keep - 1 - hash.length()).replaceAll("[-_.]+$", "");
    return start + "-" + hash;
  }

  /** The shortest run ID {@link #create} makes: a one-character name, the stamp and a suffix ({@code r-yyyyMMdd-HHmmss-99}). */
  public static final int MIN_ID = "r-yyyyMMdd-HHmmss-99".length();

  /** Creates and returns a new, empty run folder under {@code out} (created too when missing). */
  public static Path create(Path out, String name, Instant now) throws IOException {
    return create(out, name, now, MAX_ID);
  }

  /**
   * Creates and returns a new, empty run folder under {@code out} (created too when missing) whose
   * name ({@link #folderName} of {@code name}, the stamp, a suffix when taken) is at most {@code maxId} characters (and {@link #MAX_ID}; never below {@link #MIN_ID}): the
   * name part is shortened to fit, with a short hash of the whole name when cut ({@link #shorten}).
   */
  public static Path create(Path out, String name, Instant now, int maxId) throws IOException {
    Files.createDirectories(out);
    int keep = Math.max(MIN_ID, Math.min(maxId, MAX_ID)) - "-yyyyMMdd-HHmmss-99".length();
    String named = shorten(folderName(name), name, keep);
    String base = named + "-" + STAMP.format(now);
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

package dev.reprise.master.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Opens the run catalog a command names. */
public final class Catalogs {

  /** The environment variable that names the catalog when no {@code --catalog} is given. */
  public static final String ENV = "REPRISE_CATALOG";

  /** The default catalog's file name, in the folder the run folders go to ({@code --out}, default {@code runs/}). */
  public static final String DEFAULT_FILE = "catalog.db";

  static final String POSTGRESQL = "jdbc:postgresql:";
  static final String SQLITE = "jdbc:sqlite:";

  private Catalogs() {}

  /**
   * Opens (creating it and migrating its schema to the current version when needed) the catalog at
   * {@code location}: a {@code jdbc:postgresql:} or {@code jdbc:sqlite:} URL, or a file path (an
   * SQLite file); null or blank: the environment's {@value #ENV}, else {@code outDir/}{@value #DEFAULT_FILE}.
   *
   * @throws CatalogException when the database cannot be opened or migrated (the message names the
   *     location and the database's own reason; a password in a URL is never printed)
   */
  public static RunCatalog open(String location, Path outDir) throws CatalogException {
    return open(location, outDir, System.getenv());
  }

  /** As {@link #open(String, Path)}, with {@code env} for {@value #ENV}. */
  public static RunCatalog open(String location, Path outDir, Map<String, String> env) throws CatalogException {
    return JdbcRunCatalog.open(jdbcUrl(resolve(location, outDir, env)));
  }

  /**
   * The location a command means: {@code location} when given, else {@value #ENV} when set, else
   * the default file {@code outDir/}{@value #DEFAULT_FILE} ({@code runs/} when {@code outDir} is null).
   */
  public static String resolve(String location, Path outDir, Map<String, String> env) {
    if (location != null && !location.isBlank()) return location.strip();
    String fromEnv = env.get(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) return fromEnv.strip();
    return (outDir != null ? outDir : Path.of("runs")).resolve(DEFAULT_FILE).toString();
  }

  /**
   * The SQLite file a resolved {@code location} names, or empty for a PostgreSQL URL (a
   * {@code jdbc:sqlite:} URL with a file path, or a plain path; in-memory URLs are empty too).
   */
  public static Optional<Path> sqliteFile(String location) {
    if (location.startsWith(POSTGRESQL)) return Optional.empty();
    if (location.startsWith(SQLITE)) {
      String rest = location.substring(SQLITE.length());
      int q = rest.indexOf('?');
      if (q >= 0) rest = rest.substring(0, q);
      if (rest.startsWith("file:")) rest = rest.substring("file:".length());
      if (rest.isEmpty() || rest.equals(":memory:") || rest.contains("mode=memory")) return Optional.empty();
      return Optional.of(Path.of(rest));
    }
    if (location.startsWith("jdbc:")) return Optional.empty();
    return Optional.of(Path.of(location));
  }

  /** The JDBC URL of a resolved location; a plain path becomes {@code jdbc:sqlite:PATH} (its folder created). */
  static String jdbcUrl(String location) throws CatalogException {
    if (location.startsWith(POSTGRESQL)) return location;
    if (location.startsWith("jdbc:") && !location.startsWith(SQLITE)) {
      throw new CatalogException("catalog " + redact(location) + ": not a jdbc:postgresql: or jdbc:sqlite: URL"
          + " (nor a file path); the catalog is an SQLite file or a PostgreSQL database");
    }
    Optional<Path> file = sqliteFile(location);
    if (file.isPresent()) {
      Path f = file.get();
      if (Files.isDirectory(f)) {
        throw new CatalogException("catalog " + location + ": is a folder; name a file, e.g. " + f.resolve(DEFAULT_FILE));
      }
      Path parent = f.toAbsolutePath().getParent();
      try {
        if (parent != null) Files.createDirectories(parent);
      } catch (java.io.IOException | SecurityException e) {
        throw new CatalogException("catalog " + location + ": cannot create its folder " + parent + ": " + e.getMessage(), e);
      }
      if (!location.startsWith(SQLITE)) return SQLITE + f;
    }
    return location;
  }

  /** {@code text} (a location, or a message that may quote one) without passwords. */
  public static String redact(String text) {
    if (text == null) return null;
    return text.replaceAll("(?i)(password=)[^&;\\s]*", "$1***")
        .replaceAll("(//[^/:@\\s]+:)[^@/\\s]*@", "$1***@");
  }
}

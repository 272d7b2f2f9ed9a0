package dev.reprise.master.catalog;

import java.nio.file.Path;

/** Opens the run catalog a command names. */
public final class Catalogs {

  /** The environment variable that names the catalog when no {@code --catalog} is given. */
  public static final String ENV = "REPRISE_CATALOG";

  /** The default catalog's file name, in the folder the run folders go to ({@code --out}, default {@code runs/}). */
  public static final String DEFAULT_FILE = "catalog.db";

  private Catalogs() {}

  /**
   * Opens (creating it and migrating its schema to the current version when needed) the catalog at
   * {@code location}: a {@code jdbc:postgresql:} or {@code jdbc:sqlite:} URL, or a file path (an
   * SQLite file); null or blank: {@code outDir/}{@value #DEFAULT_FILE}.
   *
   * @throws CatalogException when the database cannot be opened or migrated (the message names the
   *     location and the database's own reason; a password in a URL is never printed)
   */
  public static RunCatalog open(String location, Path outDir) throws CatalogException {
    throw new CatalogException("the run catalog is being built (issue 14); location " + location);
  }
}

package dev.reprise.master.catalog;

/** The catalog could not read a run folder or the database refused; the message says which and why. */
public final class CatalogException extends Exception {
  public CatalogException(String message) {
    super(message);
  }

  public CatalogException(String message, Throwable cause) {
    super(message, cause);
  }
}

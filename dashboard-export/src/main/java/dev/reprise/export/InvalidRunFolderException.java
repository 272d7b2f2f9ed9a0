package dev.reprise.export;

/** A run folder that cannot be read: missing, not a directory, or with none of the run files. */
public final class InvalidRunFolderException extends IllegalArgumentException {
  public InvalidRunFolderException(String message) {
    super(message);
  }
}

package dev.reprise.traffic;

/** The kind of one operation; its lower-case name is the key in the JSON outputs. */
public enum OpKind {
  READ,
  WRITE;

  /** The name used in JSON ({@code read}, {@code write}). */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}

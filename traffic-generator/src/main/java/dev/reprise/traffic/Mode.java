package dev.reprise.traffic;

/** Which operations the load issues ({@code --mode}). */
public enum Mode {
  /** Only reads. */
  READ,
  /** Only writes. */
  WRITE,
  /** Reads with probability {@code --read-ratio}, writes otherwise. */
  MIXED
}

package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code io:} — load the block device under {@code path} inside the target containers: {@code workers}
 * workers in the containers' cgroups each read and/or write a file of {@code sizeBytes} under
 * {@code path} over and over for the duration; the files are deleted at the heal.
 *
 * @param durationMillis how long the load lasts, &gt; 0
 * @param path an absolute directory inside the container
 * @param mode what the workers do
 * @param workers how many workers per container, 1..64
 * @param sizeBytes each worker's file, &gt; 0
 */
public record IoFault(@JsonProperty("durationMillis") long durationMillis, @JsonProperty("path") String path,
    @JsonProperty("mode") Mode mode, @JsonProperty("workers") int workers, @JsonProperty("sizeBytes") long sizeBytes)
    implements FaultSpec {
  public static final String TYPE = "io";
  public static final int MAX_WORKERS = 64;
  public static final long DEFAULT_SIZE_BYTES = 64L * 1024 * 1024;

  /** What the workers do; in FDSL and JSON the lower-case name. */
  public enum Mode {
    @JsonProperty("read") READ,
    @JsonProperty("write") WRITE,
    @JsonProperty("readwrite") READWRITE;

    /** The FDSL word: {@code read}, {@code write}, {@code readwrite}. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public IoFault {
    if (durationMillis <= 0) throw new IllegalArgumentException("durationMillis must be > 0");
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) throw new IllegalArgumentException("path must be absolute");
    Objects.requireNonNull(mode, "mode");
    if (workers < 1 || workers > MAX_WORKERS) throw new IllegalArgumentException("workers must be 1.." + MAX_WORKERS);
    if (sizeBytes <= 0) throw new IllegalArgumentException("sizeBytes must be > 0");
  }

  @Override public String type() { return TYPE; }
  @Override public String label() { return "io " + mode.word() + " x" + workers + " " + path + " " + Durations.format(durationMillis); }
  @Override public boolean killsContainer() { return false; }
}

package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * {@code disk_fill:} — write a file under {@code path} inside the target containers until
 * {@code sizeBytes} are written, or until {@code path}'s file system is {@code percent} % used,
 * keep it for the duration, then delete it. Exactly one of {@code sizeBytes} and {@code percent}.
 *
 * @param durationMillis how long the file is kept, &gt; 0
 * @param path an absolute directory inside the container
 * @param sizeBytes how much to write, &gt; 0; null when {@code percent} is given
 * @param percent how full {@code path}'s file system is to be, in (0, 100]; null when {@code sizeBytes} is given
 */
public record DiskFillFault(@JsonProperty("durationMillis") long durationMillis, @JsonProperty("path") String path,
    @JsonProperty("sizeBytes") Long sizeBytes, @JsonProperty("percent") Double percent) implements FaultSpec {
  public static final String TYPE = "disk_fill";

  public DiskFillFault {
    if (durationMillis <= 0) throw new IllegalArgumentException("durationMillis must be > 0");
    Objects.requireNonNull(path, "path");
    if (!path.startsWith("/")) throw new IllegalArgumentException("path must be absolute");
    if ((sizeBytes == null) == (percent == null)) throw new IllegalArgumentException("exactly one of sizeBytes and percent");
    if (sizeBytes != null && sizeBytes <= 0) throw new IllegalArgumentException("sizeBytes must be > 0");
    if (percent != null && !(percent > 0 && percent <= 100)) throw new IllegalArgumentException("percent must be in (0, 100]");
  }

  @Override public String type() { return TYPE; }
  @Override public String label() {
    String amount = sizeBytes != null ? Quantities.formatBytes(sizeBytes) : Quantities.formatPercent(percent) + "%";
    return "disk_fill " + amount + " " + path + " " + Durations.format(durationMillis);
  }
  @Override public boolean killsContainer() { return false; }
}

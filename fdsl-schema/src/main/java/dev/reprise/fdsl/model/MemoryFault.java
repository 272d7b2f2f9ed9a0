package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code memory:} — allocate and touch {@code sizeBytes} of memory inside the target containers'
 * cgroups (charged to the container, so its memory limit applies) for the duration, then free it.
 *
 * @param durationMillis how long the memory is held, &gt; 0
 * @param sizeBytes how much to allocate, &gt; 0
 * @param rateBytesPerSecond how fast to allocate, &gt; 0; null: as fast as possible
 */
public record MemoryFault(@JsonProperty("durationMillis") long durationMillis, @JsonProperty("sizeBytes") long sizeBytes,
    @JsonProperty("rateBytesPerSecond") Long rateBytesPerSecond) implements FaultSpec {
  public static final String TYPE = "memory";

  public MemoryFault {
    if (durationMillis <= 0) throw new IllegalArgumentException("durationMillis must be > 0");
    if (sizeBytes <= 0) throw new IllegalArgumentException("sizeBytes must be > 0");
    if (rateBytesPerSecond != null && rateBytesPerSecond <= 0) throw new IllegalArgumentException("rateBytesPerSecond must be > 0");
  }

  @Override public String type() { return TYPE; }
  @Override public String label() { return "memory " + Quantities.formatBytes(sizeBytes) + " " + Durations.format(durationMillis); }
  @Override public boolean killsContainer() { return false; }
}

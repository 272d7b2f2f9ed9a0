package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One fault type's parameters: an immutable value with no I/O. Each fault type is one record here
 * plus one injector in the local controller; adding a fault type means adding both and listing the
 * record in {@link JsonSubTypes} below (subtypes are named explicitly, never by class name).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = KillFault.class, name = KillFault.TYPE),
    @JsonSubTypes.Type(value = SignalFault.class, name = SignalFault.TYPE),
    @JsonSubTypes.Type(value = CpuFault.class, name = CpuFault.TYPE),
    @JsonSubTypes.Type(value = CustomFault.class, name = CustomFault.TYPE),
})
public sealed interface FaultSpec permits KillFault, SignalFault, CpuFault, CustomFault {

  /** The FDSL key of this fault type ({@code kill}, {@code signal}, ...). */
  String type();

  /** Short human label used in plots, reports and the labels file, e.g. {@code "cpu x2 30s"}. */
  String label();

  /** Whether the targeted containers are dead after this fault (removed from the alive set). */
  boolean killsContainer();

  /**
   * How long the fault stays applied, in milliseconds, or 0 for an instantaneous fault (kill,
   * signal) or one whose length is decided by its own process (custom). Injectors heal a fault no
   * later than this after applying it.
   */
  long durationMillis();
}

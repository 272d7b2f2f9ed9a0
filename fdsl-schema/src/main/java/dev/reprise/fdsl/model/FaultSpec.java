package dev.reprise.fdsl.model;

import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One fault type's parameters: an immutable value with no I/O. Each fault type is one record here,
 * one entry in {@code dev.reprise.fdsl.fault.FaultTypes} (its name, parser, schema fragment) and one
 * injector in the local controller. In JSON the subtype is named by {@code type}, the registered
 * name, never by class name: the names are registered from {@code FaultTypes} (its Jackson module,
 * which {@code PlanJson}'s mapper has).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public sealed interface FaultSpec permits KillFault, SignalFault, CpuFault, CustomFault,
    NetworkFault, PartitionFault, PauseFault, RestartFault, MemoryFault, DiskFillFault, IoFault {

  /** The FDSL key of this fault type ({@code kill}, {@code signal}, ...). */
  String type();

  /**
   * Short human label used in plots, reports and the labels file, e.g. {@code "cpu x2 30s"}: this
   * fault type's plot label. Starts with {@link #type()}.
   */
  String label();

  /** Whether the targeted containers are dead after this fault (removed from the alive set). */
  boolean killsContainer();

  /**
   * How long the fault stays applied, in milliseconds, or 0 for an instantaneous fault (kill,
   * signal) or one whose length is decided by its own process (custom, unless the planner capped it:
   * {@link CustomFault#maxDurationMillis()}). Injectors heal a fault no
   * later than this after applying it.
   */
  long durationMillis();
}

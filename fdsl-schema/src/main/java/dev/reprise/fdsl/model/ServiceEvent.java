package dev.reprise.fdsl.model;

import dev.reprise.fdsl.source.SourcePos;

/** One item of a service's event list: {@code start}, {@code stop} or {@code fault}. */
public sealed interface ServiceEvent permits ServiceEvent.Start, ServiceEvent.Stop, ServiceEvent.Fault {

  /** Which containers (or, for start, how many new ones). */
  Target target();

  /** Where the event is written. */
  SourcePos pos();

  /** {@code start}: add containers; the target is an {@link Target.Amount} or a {@link Target.Percentage} (may exceed 100). */
  record Start(Target target, SourcePos pos) implements ServiceEvent {}

  /** {@code stop}: SIGTERM, then SIGKILL after the grace period; the targets are dead afterwards. */
  record Stop(Target target, SourcePos pos) implements ServiceEvent {}

  /** {@code fault}: inject {@code fault} into the targets. */
  record Fault(Target target, FaultSpec fault, SourcePos pos) implements ServiceEvent {}
}

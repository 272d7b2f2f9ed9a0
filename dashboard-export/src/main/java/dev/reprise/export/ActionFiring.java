package dev.reprise.export;

import java.time.Instant;

/**
 * One fired action (start, stop, fault or mark) with its firing error: how late ({@code > 0}) or
 * early it fired compared to plan.
 *
 * @param errorMillis actual − planned in milliseconds, null when either is unknown
 */
public record ActionFiring(
    Integer seq,
    String kind,
    String action,
    String fault,
    String label,
    String service,
    String target,
    String host,
    Instant planned,
    Instant actual,
    Double plannedSeconds,
    Double errorMillis,
    String outcome,
    String error) {}

package dev.reprise.fdsl.record;

import java.time.Instant;

/**
 * One line of {@code container-events.jsonl}: a Docker event of a run container
 * ({@code create}, {@code start}, {@code kill}, {@code die}, {@code oom}, {@code stop}, {@code destroy}...).
 *
 * @param exit_code the exit code on {@code die}
 * @param signal the signal on {@code kill}
 */
public record ContainerEventRecord(
    Instant time, String event, String container, String service, Integer id, String host, Integer exitCode, String signal) {}

package dev.reprise.agent.runtime;

import java.time.Instant;

/**
 * An engine event about a container ({@code create}, {@code start}, {@code kill}, {@code die},
 * {@code oom}, {@code stop}, {@code destroy}...).
 *
 * @param time the engine's timestamp (the host's local clock)
 * @param action the event's action
 * @param containerId the container
 * @param swarmService its swarm service (from the event's labels; may be null)
 * @param slot its slot (-1 when unknown)
 * @param exitCode the exit code on {@code die}
 * @param signal the signal on {@code kill}
 */
public record RuntimeEvent(Instant time, String action, String containerId, String swarmService, int slot, Integer exitCode, String signal) {}

package dev.reprise.agent.runtime;

/**
 * A swarm task.
 *
 * @param id the task ID
 * @param slot the slot, 1-based
 * @param nodeId the node it was scheduled on
 * @param containerId its container (null before the container exists)
 * @param state the observed state ({@code running}, {@code failed}, {@code complete}, ...)
 * @param desiredState what swarm wants ({@code running}, {@code shutdown})
 * @param error swarm's error message, if any
 */
public record TaskInfo(String id, int slot, String nodeId, String containerId, String state, String desiredState, String error) {}

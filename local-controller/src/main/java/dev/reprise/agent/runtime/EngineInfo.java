package dev.reprise.agent.runtime;

/**
 * The engine and its host.
 *
 * @param host the host name
 * @param nodeId the swarm node ID (null when swarm mode is inactive)
 * @param manager whether this node is a swarm manager
 * @param dockerVersion the engine's version
 * @param kernel the kernel release
 * @param cores online CPUs
 * @param memBytes total memory
 */
public record EngineInfo(String host, String nodeId, boolean manager, String dockerVersion, String kernel, int cores, long memBytes) {}

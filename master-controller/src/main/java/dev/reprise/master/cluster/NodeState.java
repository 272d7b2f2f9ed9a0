package dev.reprise.master.cluster;

/**
 * What one host's engine says about itself ({@code docker info}).
 *
 * @param host the host's name in the hosts file
 * @param engineName the engine's hostname
 * @param dockerVersion the engine's version
 * @param swarmState {@code inactive}, {@code pending}, {@code active}, {@code locked} or {@code error}
 * @param nodeId the swarm node ID (empty when not in a swarm)
 * @param manager whether the node is a swarm manager
 * @param clusterId the swarm's ID as this node sees it (empty when not a manager or not in a swarm)
 */
public record NodeState(String host, String engineName, String dockerVersion, String swarmState, String nodeId, boolean manager,
    String clusterId) {}

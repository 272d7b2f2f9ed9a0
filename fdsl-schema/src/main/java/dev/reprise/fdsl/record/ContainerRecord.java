package dev.reprise.fdsl.record;

import java.time.Instant;

/**
 * One line of {@code containers.jsonl}: a container of the run, written when the agent first sees it.
 *
 * @param container the Docker container ID (64 hex)
 * @param service the FDSL service name
 * @param id the FDSL container ID (creation order within the service, 0-based)
 * @param slot the swarm task slot
 * @param node the swarm node ID
 * @param host the host name the container runs on
 * @param image the image reference
 * @param created when Docker created it
 */
public record ContainerRecord(
    String container, String service, Integer id, Integer slot, String node, String host, String image, Instant created) {}

package dev.reprise.agent.inject;

import dev.reprise.agent.runtime.RunContainer;

/**
 * One container an action acts on, resolved at fire time.
 *
 * @param service the FDSL service name
 * @param id the FDSL container ID
 * @param container the container behind slot {@code id + 1}
 */
public record Target(String service, int id, RunContainer container) {}

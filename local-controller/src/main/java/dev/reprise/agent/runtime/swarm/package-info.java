/**
 * The agent's orchestrator-specific adapter: {@link dev.reprise.agent.runtime.swarm.SwarmServicePlacement},
 * the {@link dev.reprise.agent.runtime.ServicePlacement} port on Docker Swarm (FDSL ID = task slot − 1).
 *
 * <p>One class, kept in its own package on purpose: everything else in {@code runtime} speaks to the
 * engine of one host and is the same under any orchestrator, while this is the one place where Swarm's
 * notions (services, tasks, slots) meet the agent. A Kubernetes placement (FDSL ID = StatefulSet
 * ordinal, see docs/architecture.md) is a sibling package, and nothing in {@code runtime} has to
 * change for it.
 */
package dev.reprise.agent.runtime.swarm;

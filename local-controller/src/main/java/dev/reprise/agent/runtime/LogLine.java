package dev.reprise.agent.runtime;

import java.time.Instant;

/**
 * One log line of a container.
 *
 * @param time the engine's timestamp (the host's local clock)
 * @param stream {@code stdout} or {@code stderr}
 * @param text the line without its newline
 */
public record LogLine(Instant time, String stream, String text) {}

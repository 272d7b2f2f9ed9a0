package dev.reprise.fdsl.record;

import java.time.Instant;

/**
 * One line of {@code logs/<service>.<id>.jsonl}: one line a container wrote, with Docker's timestamp.
 *
 * @param stream {@code stdout} or {@code stderr}
 * @param line the text, without the trailing newline
 */
public record LogRecord(Instant time, String service, Integer id, String container, String stream, String line) {}

package dev.reprise.master.runqueue;

import java.time.Instant;
import java.util.Map;

/**
 * One thing a queued run told its listeners, as {@code GET /api/v1/runs/{id}/events} streams it
 * (Server-Sent Events: {@code id: <id>}, {@code event: <type>}, {@code data: <this record as JSON>}).
 *
 * @param id 1, 2, 3, … per run, in the order things happened (a client resumes with {@code Last-Event-ID})
 * @param type {@code queued}, {@code state}, {@code message}, {@code preflight}, {@code deploying},
 *     {@code armed}, {@code action}, {@code workload}, {@code agent-ended}, {@code ended} (always the last)
 * @param at when it happened
 * @param data the event's fields (e.g. {@code from}/{@code to} for {@code state}; {@code host},
 *     {@code seq}, {@code outcome}, {@code firingErrorMillis} for {@code action}; {@code outcome},
 *     {@code runDir} for {@code ended})
 */
public record RunEvent(long id, String type, Instant at, Map<String, Object> data) {

  public RunEvent {
    data = data == null ? Map.of() : Map.copyOf(data);
  }
}

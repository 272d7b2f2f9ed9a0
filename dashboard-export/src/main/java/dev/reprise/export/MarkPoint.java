package dev.reprise.export;

import java.time.Instant;

/** A scenario {@code mark} as recorded in the timeline, at {@code seconds} since T0. */
public record MarkPoint(Instant time, double seconds, String text, String host) {}

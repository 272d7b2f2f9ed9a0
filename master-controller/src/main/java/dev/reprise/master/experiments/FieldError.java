package dev.reprise.master.experiments;

/**
 * One bad field of a request, as a 400 answer lists them: {@code field} is its JSON path
 * ({@code durationSeconds}, {@code parameters.latencyMs}, {@code safetyThreshold.maxErrorRatePct}),
 * {@code message} says what is wrong and what would be right.
 */
public record FieldError(String field, String message) {}

package dev.reprise.fdsl.plan;

/** A moment's {@code mark}: recorded in the timeline at its instant, touches no container. */
public record MarkAction(int seq, int moment, long offsetMillis, String text) implements PlannedAction {
  public static final String ACTION = "mark";

  @Override public String action() { return ACTION; }
}

package dev.reprise.fdsl.model;

/** {@code kill:} — SIGKILL the target containers; they are dead afterwards. */
public record KillFault() implements FaultSpec {
  public static final String TYPE = "kill";

  @Override public String type() { return TYPE; }
  @Override public String label() { return "kill"; }
  @Override public boolean killsContainer() { return true; }
  @Override public long durationMillis() { return 0; }
}

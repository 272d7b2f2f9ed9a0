package dev.reprise.fdsl.plan;

import java.util.List;

/** Gracefully stop the containers {@code ids} of {@code service}: SIGTERM, then SIGKILL after a grace period. */
public record StopAction(int seq, int moment, long offsetMillis, String service, List<Integer> ids)
    implements ContainerAction {
  public static final String ACTION = "stop";

  public StopAction {
    ids = List.copyOf(ids);
  }

  @Override public String action() { return ACTION; }
}

package dev.reprise.fdsl.plan;

import java.util.List;

/**
 * Scale {@code service} up so that containers with the FDSL IDs {@code ids} exist (IDs are assigned
 * in creation order, so these are always the next ones).
 */
public record StartAction(int seq, int moment, long offsetMillis, String service, List<Integer> ids)
    implements ContainerAction {
  public static final String ACTION = "start";

  public StartAction {
    ids = List.copyOf(ids);
  }

  @Override public String action() { return ACTION; }
}

package dev.reprise.fdsl.source;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of one pass so users see all of them at once. Not thread-safe. */
public final class Problems {
  private final List<Problem> list = new ArrayList<>();

  public void add(SourcePos pos, String message) {
    list.add(new Problem(pos, message));
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  /** A copy of what was collected so far, in the order found. */
  public List<Problem> list() {
    return List.copyOf(list);
  }
}

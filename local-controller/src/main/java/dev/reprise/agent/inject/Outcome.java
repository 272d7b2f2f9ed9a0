package dev.reprise.agent.inject;

import dev.reprise.fdsl.record.TimelineRecord;

/**
 * How an action or heal ended, per Jepsen's history model: {@code ok}, {@code failed} (it did not
 * take effect; {@code error} says why) or {@code unknown} (it may have taken effect; e.g. the
 * engine timed out mid-call).
 */
public record Outcome(String status, String error) {
  public static final Outcome OK = new Outcome(TimelineRecord.OK, null);

  public static Outcome failed(String error) {
    return new Outcome(TimelineRecord.FAILED, error);
  }

  public static Outcome unknown(String error) {
    return new Outcome(TimelineRecord.UNKNOWN, error);
  }

  public boolean ok() {
    return TimelineRecord.OK.equals(status);
  }

  /** Combines the outcomes of one action's targets: any failed → failed, else any unknown → unknown. */
  public static Outcome combine(java.util.List<Outcome> outcomes) {
    var errors = new java.util.ArrayList<String>();
    String status = TimelineRecord.OK;
    for (var o : outcomes) {
      if (o.error != null) errors.add(o.error);
      if (TimelineRecord.FAILED.equals(o.status)) status = TimelineRecord.FAILED;
      else if (TimelineRecord.UNKNOWN.equals(o.status) && !TimelineRecord.FAILED.equals(status)) status = TimelineRecord.UNKNOWN;
    }
    return new Outcome(status, errors.isEmpty() ? null : String.join("; ", errors));
  }
}

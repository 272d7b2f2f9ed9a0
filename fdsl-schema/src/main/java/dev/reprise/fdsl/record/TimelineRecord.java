package dev.reprise.fdsl.record;

import java.time.Instant;
import java.util.List;

/**
 * One line of {@code timeline.jsonl}: a planned action as it was fired, a mark, or the heal of a
 * fault. Outcomes follow Jepsen's history model: {@code ok}, {@code failed} (with {@code error}),
 * or {@code unknown} when the agent cannot tell whether the action took effect.
 *
 * @param kind {@code action}, {@code mark} or {@code heal}
 * @param seq the planned action's {@code seq} (for a heal: the seq of the fault it ends)
 * @param action {@code start}, {@code stop}, {@code fault} (null for marks)
 * @param fault the fault type ({@code kill}, {@code cpu}, ...) for fault actions and heals
 * @param label the fault's label for plots, e.g. {@code cpu x1 30s}
 * @param service the target service (null for marks)
 * @param ids the FDSL container IDs targeted
 * @param containers the Docker container IDs those resolved to at fire time, same order as ids
 * @param nodes the swarm node each of those containers ran on, same order as ids
 * @param planned T0 + offset: when the action should have fired
 * @param actual when it did fire: the same instant as {@code issued} (kept for readers written before
 *     {@code issued} existed); for a heal: when the fault ended
 * @param host the host whose agent fired it
 * @param outcome {@code ok}, {@code failed} or {@code unknown}
 * @param error why it failed (null unless failed or unknown)
 * @param text a mark's text
 * @param exit_code a custom fault script's exit code
 * @param output the tail of a custom fault script's output
 * @param issued when the agent made the action's first engine (or host) call, on its corrected clock;
 *     null for marks, heals and records written before the field existed
 * @param acknowledged when the last of the action's engine calls returned (null when none returned,
 *     e.g. a timeout, and for marks and heals)
 * @param mechanism how this host applied (or healed) the fault, when the fault type has several ways,
 *     e.g. {@code netem}, {@code nfqueue+iptables}, {@code tbf}; null otherwise
 */
public record TimelineRecord(
    String kind,
    Integer seq,
    String action,
    String fault,
    String label,
    String service,
    List<Integer> ids,
    List<String> containers,
    List<String> nodes,
    Instant planned,
    Instant actual,
    String host,
    String outcome,
    String error,
    String text,
    Integer exitCode,
    String output,
    Instant issued,
    Instant acknowledged,
    String mechanism) {

  /** A record without {@code mechanism}. */
  public TimelineRecord(String kind, Integer seq, String action, String fault, String label, String service,
      List<Integer> ids, List<String> containers, List<String> nodes, Instant planned, Instant actual, String host,
      String outcome, String error, String text, Integer exitCode, String output, Instant issued, Instant acknowledged) {
    this(kind, seq, action, fault, label, service, ids, containers, nodes, planned, actual, host, outcome, error, text,
        exitCode, output, issued, acknowledged, null);
  }

  /** A record without {@code issued}/{@code acknowledged} (marks, heals, older callers): issued = actual. */
  public TimelineRecord(String kind, Integer seq, String action, String fault, String label, String service,
      List<Integer> ids, List<String> containers, List<String> nodes, Instant planned, Instant actual, String host,
      String outcome, String error, String text, Integer exitCode, String output) {
    this(kind, seq, action, fault, label, service, ids, containers, nodes, planned, actual, host, outcome, error, text,
        exitCode, output, null, null);
  }

  public static final String KIND_ACTION = "action";
  public static final String KIND_MARK = "mark";
  public static final String KIND_HEAL = "heal";
  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String UNKNOWN = "unknown";
}

package dev.reprise.export;

import java.time.Instant;
import java.util.List;

/**
 * One injected fault as it happened: from its action's {@code actual} time to the {@code actual}
 * time of its heal record, or to actual + the planned duration when no heal was recorded, or a
 * single instant for instantaneous faults (kill, signal, custom without a heal).
 *
 * @param seq the planned action's seq
 * @param type the fault type ({@code kill}, {@code cpu}, ...)
 * @param label the fault's plot label
 * @param service the target service
 * @param ids the FDSL container IDs targeted
 * @param containers the Docker container IDs they resolved to (may be shorter than ids, or empty)
 * @param hosts the host of each entry of {@code containers} (from containers.jsonl, else the firing agent's host)
 * @param start when it was injected
 * @param end when it ended (equal to start for an instantaneous fault)
 * @param startSeconds start as seconds since T0 (also endSeconds)
 * @param instantaneous true when there is no duration to shade
 * @param endSource {@code heal}, {@code duration} or {@code instant}: where end came from
 * @param outcome the action's outcome: {@code ok}, {@code failed} or {@code unknown}
 */
public record FaultWindow(
    int seq,
    String type,
    String label,
    String service,
    List<Integer> ids,
    List<String> containers,
    List<String> hosts,
    Instant start,
    Instant end,
    double startSeconds,
    double endSeconds,
    boolean instantaneous,
    String endSource,
    String outcome) {

  public FaultWindow {
    ids = List.copyOf(ids);
    containers = List.copyOf(containers);
    hosts = List.copyOf(hosts);
  }

  /** The label shown in plots: the fault's label, else its type, with the target. */
  public String displayLabel() {
    String base = label != null && !label.isBlank() ? label : type;
    return base + (service == null ? "" : " @" + service + ids);
  }
}

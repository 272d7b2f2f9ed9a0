package dev.reprise.master.experiments;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an experiment as an FDSL scenario and a compose file, so it is carried out as a run of
 * Reprise's own: {@code beginning} = every service of the target's stack with its running containers
 * (FDSL IDs = Swarm slots − 1, so the count is the highest running slot), one moment at 0 s applying
 * the action's fault type to the chosen targets with {@code duration} = the experiment's
 * {@code durationSeconds}, {@code end} at the TTL plus {@link #END_MARGIN_SECONDS},
 * {@code environment.safety.max_fault_duration} = the TTL (so the TTL is in the agents' heal journal)
 * and the request's threshold as {@code abort_when} workload conditions. The compose file names the
 * stack's services with their images only: nothing is deployed from it (the run attaches to the
 * stack as it runs). Pure: no I/O.
 */
public final class ScenarioSynthesis {
  /** The run ends this long after the fault's TTL: the agents heal at the TTL, then end the run. */
  public static final int END_MARGIN_SECONDS = 2;

  private ScenarioSynthesis() {}

  /**
   * The scenario and compose text of one experiment.
   *
   * @param fieldByLine scenario line (1-based) → the request field it came from, to turn the loader's
   *     {@code FILE:LINE:COL} problems back into field errors
   */
  public record Synthesized(String scenarioText, String composeText, Map<Integer, String> fieldByLine) {}

  /**
   * @param stack every service of the target's stack (the target among them)
   * @param target the target service
   * @param targetIds the FDSL IDs of the target's containers to fault
   * @param peersB the services of the far side of a partition, or of a network fault's {@code to}; empty: the default
   * @param extraA further services of a partition's near side (all their containers)
   */
  public static Synthesized synthesize(ExperimentRequest r, Map<String, Object> params, List<LiveStacks.LiveService> stack,
      LiveStacks.LiveService target, List<Integer> targetIds, List<LiveStacks.LiveService> peersB,
      List<LiveStacks.LiveService> extraA) {
    var w = new Lines();
    long d = r.durationSeconds();
    w.add("# experiment " + r.experimentId() + ": " + r.action() + " on " + target.name() + " for " + d + " s (written by Reprise)", null);
    w.add("environment:", null);
    w.add("  safety:", null);
    w.add("    max_fault_duration: " + d + "s", "durationSeconds");
    var s = r.safetyThreshold();
    if (!s.isNone()) {
      int window = s.windowSeconds() == null ? 5 : s.windowSeconds();
      w.add("    abort_when:", null);
      if (s.maxErrorRatePct() != null) {
        w.add("      - name: " + quote("experiment " + r.experimentId() + ": error rate above " + num(s.maxErrorRatePct()) + "%"), null);
        w.add("        workload: {metric: error_rate, above: " + num(s.maxErrorRatePct()) + "%, window: " + window + "s}",
            "safetyThreshold.maxErrorRatePct");
      }
      if (s.maxP99LatencyMs() != null) {
        w.add("      - name: " + quote("experiment " + r.experimentId() + ": p99 latency above " + num(s.maxP99LatencyMs()) + " ms"), null);
        w.add("        workload: {metric: p99_latency, above: " + num(s.maxP99LatencyMs()) + "ms, window: " + window + "s}",
            "safetyThreshold.maxP99LatencyMs");
      }
    }
    w.add("events:", null);
    w.add("  - beginning:", null);
    for (var svc : stack) w.add("      " + quote(svc.shortName()) + ": " + beginning(svc), null);
    w.add("  - moment:", null);
    w.add("      time: 0", null);
    w.add("      mark: " + quote("experiment " + r.experimentId() + ": " + r.action()), null);
    w.add("      services:", null);
    var near = new ArrayList<LiveStacks.LiveService>();
    near.add(target);
    for (var a : extraA) if (!a.name().equals(target.name())) near.add(a);
    for (var svc : near) {
      var ids = svc == target ? targetIds : svc.running().stream().map(t -> t.slot() - 1).toList();
      w.add("        " + quote(svc.shortName()) + ":", null);
      w.add("          - fault:", null);
      w.add("              target: {specific: " + ids + "}", svc == target ? "parameters.targetCount" : "parameters.targetPartitionGroupA");
      fault(w, r, params, peersB);
    }
    w.add("  - end: " + (d + END_MARGIN_SECONDS), "durationSeconds");

    var compose = new StringBuilder();
    compose.append("# stack ").append(target.stack()).append(" as it runs: Reprise attaches to it and deploys nothing from this file\n");
    compose.append("services:\n");
    for (var svc : stack) {
      compose.append("  ").append(quote(svc.shortName())).append(":\n");
      compose.append("    image: ").append(quote(svc.image() == null ? "unknown" : svc.image())).append("\n");
    }
    return new Synthesized(w.text(), compose.toString(), Map.copyOf(w.fields));
  }

  /** A service's {@code beginning} count: its highest running slot, so every running task's FDSL ID (slot − 1) exists. */
  static int beginning(LiveStacks.LiveService svc) {
    return svc.running().stream().mapToInt(LiveStacks.LiveTask::slot).max().orElse(0);
  }

  private static void fault(Lines w, ExperimentRequest r, Map<String, Object> p, List<LiveStacks.LiveService> peers) {
    long d = r.durationSeconds();
    String ind = "              ";
    switch (r.action()) {
      case KILL -> w.add(ind + "kill:", null);
      case SIGNAL -> {
        String sig = String.valueOf(p.get("signal")).toUpperCase(Locale.ROOT);
        boolean kills = sig.equals("SIGKILL") || sig.equals("KILL") || sig.equals("9");
        w.add(ind + "signal: {signal: " + quote(sig) + ", kills_container: " + (kills ? "yes" : "no") + "}", "parameters.signal");
      }
      case CPU_SPIKE -> w.add(ind + "cpu: {duration: " + d + "s" + (p.containsKey("cores") ? ", cores: " + p.get("cores") : "") + "}",
          p.containsKey("cores") ? "parameters.cores" : "durationSeconds");
      case PAUSE -> w.add(ind + "pause: {duration: " + d + "s}", "durationSeconds");
      case RESTART -> {
        double down = p.containsKey("downSeconds") ? (Double) p.get("downSeconds") : d;
        w.add(ind + "restart: {duration: " + millis(down) + (p.containsKey("graceSeconds") ? ", grace: " + millis((Double) p.get("graceSeconds")) : "")
            + "}", "parameters.downSeconds");
      }
      case MEMORY_PRESSURE -> w.add(ind + "memory: {duration: " + d + "s, size: " + kib((Double) p.get("sizeMb"))
          + (p.containsKey("rateMbPerSecond") ? ", rate: " + kib((Double) p.get("rateMbPerSecond")) + "/s" : "") + "}", "parameters.sizeMb");
      case DISK_FULL -> w.add(ind + "disk_fill: {duration: " + d + "s, path: " + quote((String) p.getOrDefault("path", "/tmp"))
          + (p.containsKey("sizeMb") ? ", size: " + kib((Double) p.get("sizeMb")) : ", percent: " + num((Double) p.get("fillPct"))) + "}",
          p.containsKey("sizeMb") ? "parameters.sizeMb" : "parameters.fillPct");
      case IO_STRESS -> w.add(ind + "io: {duration: " + d + "s, path: " + quote((String) p.getOrDefault("path", "/tmp"))
          + (p.containsKey("mode") ? ", mode: " + p.get("mode") : "") + (p.containsKey("workers") ? ", workers: " + p.get("workers") : "")
          + (p.containsKey("sizeMb") ? ", size: " + kib((Double) p.get("sizeMb")) : "") + "}", "parameters.path");
      case NETWORK_PARTITION -> w.add(ind + "partition: {duration: " + d + "s" + (peers.isEmpty() ? "" : ", peers: " + all(peers))
          + (p.containsKey("direction") ? ", direction: " + p.get("direction") : "") + "}", "parameters.targetPartitionGroupB");
      case NETWORK_DELAY, PACKET_LOSS, BANDWIDTH_LIMIT -> {
        var b = new StringBuilder(ind + "network: {duration: " + d + "s");
        String field;
        if (r.action() == ChaosAction.NETWORK_DELAY) {
          b.append(", delay: {time: ").append(millis((Double) p.get("latencyMs") / 1000.0));
          if (p.containsKey("jitterMs")) b.append(", jitter: ").append(millis((Double) p.get("jitterMs") / 1000.0));
          if (p.containsKey("correlationPct")) b.append(", correlation: ").append(num((Double) p.get("correlationPct")));
          b.append("}");
          field = "parameters.latencyMs";
        } else if (r.action() == ChaosAction.PACKET_LOSS) {
          b.append(", loss: {percent: ").append(num((Double) p.get("packetLossPct")));
          if (p.containsKey("correlationPct")) b.append(", correlation: ").append(num((Double) p.get("correlationPct")));
          b.append("}");
          field = "parameters.packetLossPct";
        } else {
          b.append(", rate: ").append(Math.max(1, Math.round((Double) p.get("rateKbit")))).append("kbit");
          field = "parameters.rateKbit";
        }
        if (!peers.isEmpty()) b.append(", to: ").append(all(peers));
        if (p.containsKey("ports")) b.append(", ports: ").append(p.get("ports"));
        b.append("}");
        w.add(b.toString(), field);
      }
      default -> throw new IllegalArgumentException("no fault for " + r.action());
    }
  }

  private static String all(List<LiveStacks.LiveService> services) {
    var b = new StringBuilder("{");
    for (int i = 0; i < services.size(); i++) {
      if (i > 0) b.append(", ");
      b.append(quote(services.get(i).shortName())).append(": all");
    }
    return b.append("}").toString();
  }

  /** {@code x} seconds as FDSL milliseconds ({@code 1500ms}). */
  private static String millis(double seconds) {
    return Math.round(seconds * 1000) + "ms";
  }

  private static String kib(double mb) {
    return Math.max(1, Math.round(mb * 1024)) + "KiB";
  }

  static String num(double x) {
    return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
  }

  /** A YAML double-quoted scalar. */
  static String quote(String s) {
    var b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\x%02x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  private static final class Lines {
    final StringBuilder text = new StringBuilder();
    final Map<Integer, String> fields = new HashMap<>();
    int line;

    void add(String s, String field) {
      line++;
      text.append(s).append('\n');
      if (field != null) fields.put(line, field);
    }

    String text() {
      return text.toString();
    }
  }

  /** Unused helper kept for callers that want the beginning map. */
  static Map<String, Integer> beginnings(List<LiveStacks.LiveService> stack) {
    var m = new LinkedHashMap<String, Integer>();
    for (var s : stack) m.put(s.shortName(), beginning(s));
    return m;
  }
}

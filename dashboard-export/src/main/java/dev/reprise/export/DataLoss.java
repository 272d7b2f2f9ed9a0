package dev.reprise.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.fdsl.record.LogRecord;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the workload's write verification found (RPO): read from the traffic generator's final log
 * ({@code "type": "traffic_summary"}) in the run's container logs, when it carries
 * {@code data_loss_detected} and/or {@code writes_lost} ({@code traffic-gen --verify-writes}). The
 * fields are optional: a run whose workload did not verify writes has {@link #UNKNOWN}.
 *
 * @param detected true when any client lost an acknowledged write, false when every client that
 *     verified found none, null when no client verified
 * @param writesLost acknowledged writes lost, summed over clients; null when no client said
 * @param clients how many clients reported a verification
 */
public record DataLoss(Boolean detected, Long writesLost, int clients) {
  public static final DataLoss UNKNOWN = new DataLoss(null, null, 0);

  /** Reads {@code run}'s container logs (one pass over them). */
  public static DataLoss of(RunFolder run) {
    Collector c = new Collector();
    run.forEachLog(c::accept);
    return c.result();
  }

  /** Collects the final logs of every container; feed it every log line. Not thread-safe. */
  public static final class Collector {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, JsonNode> lastByClient = new TreeMap<>();

    public void accept(LogRecord r) {
      String line = r.line();
      if (line == null || !line.contains("traffic_summary")
          || !(line.contains("data_loss_detected") || line.contains("writes_lost"))) {
        return;
      }
      JsonNode node;
      try {
        node = JSON.readTree(line.strip());
      } catch (Exception e) {
        return;
      }
      if (node == null || !"traffic_summary".equals(node.path("type").asText())) return;
      // a later summary of the same client (the complete one after checkpoints) replaces an earlier one
      lastByClient.put(r.service() + "." + r.id() + "." + r.container(), node);
    }

    public DataLoss result() {
      Boolean detected = null;
      Long lost = null;
      int clients = 0;
      for (JsonNode n : lastByClient.values()) {
        JsonNode d = n.findValue("data_loss_detected");
        JsonNode w = n.findValue("writes_lost");
        boolean any = false;
        if (d != null && d.isBoolean()) {
          detected = (detected != null && detected) || d.asBoolean();
          any = true;
        }
        if (w != null && w.isNumber()) {
          lost = (lost == null ? 0 : lost) + w.asLong();
          if (w.asLong() > 0) detected = true;
          else if (detected == null) detected = false;
          any = true;
        }
        if (any) clients++;
      }
      return clients == 0 ? UNKNOWN : new DataLoss(detected, lost, clients);
    }
  }
}

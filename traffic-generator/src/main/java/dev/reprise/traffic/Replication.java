package dev.reprise.traffic;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The keyspace's replication ({@code --replication}): a plain factor {@code N} means
 * SimpleStrategy with N replicas; {@code dc1:3,dc2:2} means NetworkTopologyStrategy with those
 * factors per datacenter.
 */
public record Replication(int simpleFactor, Map<String, Integer> perDatacenter) {

  public Replication {
    perDatacenter = Map.copyOf(perDatacenter);
  }

  /**
   * Parses the option value.
   *
   * @throws IllegalArgumentException explaining the accepted forms
   */
  public static Replication parse(String text) {
    String s = text.trim();
    if (s.matches("\\d+")) {
      int n = Integer.parseInt(s);
      if (n < 1) {
        throw new IllegalArgumentException("replication factor must be at least 1, got " + n);
      }
      return new Replication(n, Map.of());
    }
    Map<String, Integer> dcs = new LinkedHashMap<>();
    for (String part : s.split(",")) {
      String[] kv = part.trim().split(":");
      if (kv.length != 2 || kv[0].isBlank() || !kv[1].trim().matches("\\d+")
          || Integer.parseInt(kv[1].trim()) < 1) {
        throw new IllegalArgumentException("'" + text + "' is neither a replication factor (e.g. 3)"
            + " nor a list of datacenter:factor (e.g. dc1:3,dc2:2)");
      }
      dcs.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
    }
    return new Replication(0, dcs);
  }

  /** The CQL map literal for {@code CREATE KEYSPACE ... WITH replication = ...}. */
  public String cql() {
    if (perDatacenter.isEmpty()) {
      return "{'class': 'SimpleStrategy', 'replication_factor': " + simpleFactor + "}";
    }
    return perDatacenter.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> "'" + e.getKey().replace("'", "''") + "': " + e.getValue())
        .collect(Collectors.joining(", ", "{'class': 'NetworkTopologyStrategy', ", "}"));
  }

  @Override
  public String toString() {
    return perDatacenter.isEmpty() ? Integer.toString(simpleFactor)
        : perDatacenter.entrySet().stream().sorted(Map.Entry.comparingByKey())
            .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
  }
}

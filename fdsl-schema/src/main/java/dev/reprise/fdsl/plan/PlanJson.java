package dev.reprise.fdsl.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.reprise.fdsl.fault.FaultTypes;

/**
 * The one JSON form of a {@link Plan}: used on the wire to agents, in {@code run.json} and by
 * {@code master plan --json}. Output is canonical (sorted map keys, fixed property order), so the
 * same plan always gives the same bytes. Fault records are named by their registered
 * {@code type} ({@link FaultTypes#jacksonModule()}).
 */
public final class PlanJson {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .addModule(FaultTypes.jacksonModule())
      .build();

  private PlanJson() {}

  /** The shared mapper; do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String write(Plan plan) {
    try {
      return MAPPER.writeValueAsString(plan);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("plan is not serializable: " + e.getMessage(), e);
    }
  }

  /**
   * The sha256 (lower-case hex) of a recorded plan over its {@code PlanJson} bytes: the plan hash
   * {@code master diff}, {@code master rerun} and the run catalog show. A plan read from
   * {@code run.json} and a new plan of the same scenario and seed give the same hash.
   */
  public static String hash(com.fasterxml.jackson.databind.JsonNode plan) {
    try {
      byte[] bytes = MAPPER.writeValueAsString(plan).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree that cannot be written", e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  public static Plan read(String json) {
    try {
      return MAPPER.readValue(json, Plan.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a valid plan: " + e.getOriginalMessage(), e);
    }
  }
}

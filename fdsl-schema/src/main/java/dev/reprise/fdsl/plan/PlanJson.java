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

  public static Plan read(String json) {
    try {
      return MAPPER.readValue(json, Plan.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a valid plan: " + e.getOriginalMessage(), e);
    }
  }
}

package dev.reprise.fdsl.plan;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.reprise.fdsl.fault.FaultTypes;
import java.io.IOException;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.util.List;

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

  /** One action at a time into a generator already open (no flush per value: the stream is buffered). */
  private static final ObjectWriter ACTION_WRITER = MAPPER.writerFor(PlannedAction.class)
      .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

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
   * {@link #write(Plan)}'s text (without a trailing newline) written to {@code out} as it is
   * produced: the plan is walked once, action by action and alive set by alive set, and never
   * held as one text, so printing an 8.8 MB plan needs no more memory than the plan. Flushes
   * {@code out}, does not close it.
   *
   * @throws UncheckedIOException when {@code out} cannot be written
   */
  public static void write(Plan plan, Writer out) {
    try (JsonGenerator g = MAPPER.writer().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      // the fields in Plan's component order, as the mapper writes the record
      g.writeStartObject();
      g.writeNumberField("seed", plan.seed());
      g.writeNumberField("endMillis", plan.endMillis());
      g.writeObjectFieldStart("beginning");
      for (var e : plan.beginning().entrySet()) g.writeNumberField(e.getKey(), e.getValue());
      g.writeEndObject();
      g.writeArrayFieldStart("actions");
      for (PlannedAction a : plan.actions()) ACTION_WRITER.writeValue(g, a);
      g.writeEndArray();
      g.writeArrayFieldStart("alive");
      for (AliveSnapshot s : plan.alive()) {
        g.writeStartObject();
        g.writeNumberField("moment", s.moment());
        g.writeNumberField("offsetMillis", s.offsetMillis());
        g.writeObjectFieldStart("alive");
        for (var e : s.alive().entrySet()) {
          g.writeArrayFieldStart(e.getKey());
          List<Integer> ids = e.getValue();
          for (int i = 0, n = ids.size(); i < n; i++) g.writeNumber(ids.get(i).intValue());
          g.writeEndArray();
        }
        g.writeEndObject();
        g.writeEndObject();
      }
      g.writeEndArray();
      if (!plan.triggers().isEmpty()) {
        g.writeFieldName("triggers");
        MAPPER.writerFor(new com.fasterxml.jackson.core.type.TypeReference<List<PlannedTrigger>>() {})
            .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE).writeValue(g, plan.triggers());
      }
      g.writeEndObject();
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the plan: " + e.getMessage(), e);
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

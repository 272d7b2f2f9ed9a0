package dev.reprise.fdsl.fault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.parse.FaultParser;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Everything that must agree about one fault type, in one place: the FDSL key (also its JSON
 * {@code type} name), the record that holds its parameters, the parser that builds that record from
 * YAML, and the JSON-Schema fragment editors check the YAML with. Its plot label is the record's
 * {@link FaultSpec#label()} (declared by every record; the compiler enforces it), and the host
 * features its injector needs. The injector that
 * applies the type lives in the local controller, keyed by {@link #name()}.
 *
 * <p>Entries are constants of {@link FaultTypes}; {@code FaultTypesTest} fails when any part of any
 * entry is missing or disagrees with another.
 *
 * @param name the FDSL key under {@code fault:} and the JSON {@code type} name; equals the record's {@link FaultSpec#type()}
 * @param record the record class (a permitted subtype of {@link FaultSpec})
 * @param parser reads the value under the key into the record
 * @param schemaJson the JSON Schema (draft-07) of the value under the key, as JSON text
 * @param example a valid value under the key, in YAML flow style (e.g. {@code "{duration: 30s, cores: 2}"}),
 *     used by the tests to check the parser, the schema, the label and the JSON form together
 * @param hostFeatures what its injector always needs on a host beyond a reachable engine
 *     ({@link HostFeature}); checked on every host before a run that uses the type is deployed
 * @param featuresOf what its injector needs besides for one fault, from its parameters (e.g. a
 *     network fault with a rate needs {@code tc}); {@link #featuresOf(FaultSpec)} is the union
 */
public record FaultType<F extends FaultSpec>(String name, Class<F> record, FaultParser parser, String schemaJson, String example,
    Set<HostFeature> hostFeatures, Function<? super F, Set<HostFeature>> featuresOf) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public FaultType {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(parser, "parser of " + name);
    Objects.requireNonNull(schemaJson, "schema of " + name);
    Objects.requireNonNull(example, "example of " + name);
    Objects.requireNonNull(hostFeatures, "host features of " + name);
    Objects.requireNonNull(featuresOf, "per-fault host features of " + name);
    hostFeatures = hostFeatures.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(hostFeatures));
    if (!name.matches("[a-z][a-z0-9_]*")) throw new IllegalArgumentException("fault type name '" + name + "' is not a lower-case FDSL key");
  }

  /** A type whose injector needs the same {@code hostFeatures} for every fault. */
  public FaultType(String name, Class<F> record, FaultParser parser, String schemaJson, String example, Set<HostFeature> hostFeatures) {
    this(name, record, parser, schemaJson, example, hostFeatures, fault -> Set.of());
  }

  /**
   * What the injector needs on a host to apply {@code fault}: {@link #hostFeatures()} and
   * {@link #featuresOf()} of it.
   *
   * @throws ClassCastException when {@code fault} is not of this type's record
   */
  public Set<HostFeature> featuresOf(FaultSpec fault) {
    var all = EnumSet.noneOf(HostFeature.class);
    all.addAll(hostFeatures);
    all.addAll(featuresOf.apply(record.cast(fault)));
    return Collections.unmodifiableSet(all);
  }

  /** The schema fragment, parsed. */
  public JsonNode schema() {
    try {
      return JSON.readTree(schemaJson);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the JSON-Schema fragment of fault type '" + name + "' is not JSON: " + e.getOriginalMessage(), e);
    }
  }
}

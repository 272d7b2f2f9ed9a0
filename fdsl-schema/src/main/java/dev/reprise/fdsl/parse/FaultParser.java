package dev.reprise.fdsl.parse;

import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.model.ServiceEvent;
import dev.reprise.fdsl.model.Target;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads one fault type's parameters (the value under its key in a {@code fault}) into its record,
 * and the target groups the parameters name. One implementation per fault type, part of its entry
 * in {@code dev.reprise.fdsl.fault.FaultTypes}.
 */
@FunctionalInterface
public interface FaultParser {
  /**
   * @param value the node under the fault type's key (may be a null scalar, e.g. {@code kill:})
   * @param path the YAML path of that key, for messages
   * @param context what the parser may check beyond the text (e.g. that a fault script exists)
   * @return the fault, or empty when a problem was recorded through {@code yaml}
   */
  Optional<Parsed> parse(YamlReader yaml, Node value, String path, ParseContext context);

  /**
   * A parsed fault.
   *
   * @param fault its record
   * @param groups the target groups its parameters name, as {@link ServiceEvent.Fault#groups()}
   *     takes them (the planner resolves them); empty for most fault types
   */
  record Parsed(FaultSpec fault, Map<String, Map<String, Target>> groups) {
    public Parsed {
      Objects.requireNonNull(fault, "fault");
      groups = groups == null ? Map.of() : groups;
    }

    /** A fault that names no target groups. */
    public static Parsed of(FaultSpec fault) {
      return new Parsed(fault, Map.of());
    }
  }

  /** Reads a fault type that names no target groups. */
  @FunctionalInterface
  interface Ungrouped {
    /** As {@link FaultParser#parse}, without groups. */
    Optional<FaultSpec> parse(YamlReader yaml, Node value, String path, ParseContext context);
  }

  /** The parser of a fault type that names no target groups. */
  static FaultParser ungrouped(Ungrouped parser) {
    Objects.requireNonNull(parser, "parser");
    return (yaml, value, path, context) -> parser.parse(yaml, value, path, context).map(Parsed::of);
  }
}

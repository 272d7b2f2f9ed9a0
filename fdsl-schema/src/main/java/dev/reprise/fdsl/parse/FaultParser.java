package dev.reprise.fdsl.parse;

import dev.reprise.fdsl.model.FaultSpec;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads one fault type's parameters (the value under its key in a {@code fault}) into its record.
 * One implementation per fault type, part of its entry in {@code dev.reprise.fdsl.fault.FaultTypes}.
 */
@FunctionalInterface
public interface FaultParser {
  /**
   * @param value the node under the fault type's key (may be a null scalar, e.g. {@code kill:})
   * @param path the YAML path of that key, for messages
   * @param context what the parser may check beyond the text (e.g. that a fault script exists)
   * @return the fault, or empty when a problem was recorded through {@code yaml}
   */
  Optional<FaultSpec> parse(YamlReader yaml, Node value, String path, ParseContext context);
}

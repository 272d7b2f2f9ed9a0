package dev.reprise.fdsl.parse;

import java.util.Collection;
import java.util.function.Predicate;

/**
 * What the scenario parser checks against beyond the scenario text.
 *
 * @param composeServices the compose file's service names; null when no compose file could be read
 *     (service names are then not checked: the compose problem is reported instead)
 * @param faultScriptExists whether a custom fault script of that name is in one of the faults folders
 * @param faultsFolder how to name the faults folders in messages (every one looked in, in order)
 */
public record ParseContext(Collection<String> composeServices, Predicate<String> faultScriptExists, String faultsFolder) {

  /** Checks nothing outside the text. */
  public static ParseContext textOnly() {
    return new ParseContext(null, name -> true, "faults/");
  }
}

package dev.reprise.fdsl.parse;

import java.util.Collection;
import java.util.function.Predicate;

/**
 * What the scenario parser checks against beyond the scenario text.
 *
 * @param composeServices the compose file's service names; null when no compose file could be read
 *     (service names are then not checked: the compose problem is reported instead)
 * @param faultScriptExists whether a custom fault script of that name is in the faults folder
 * @param faultsFolder how to name the faults folder in messages
 */
public record ParseContext(Collection<String> composeServices, Predicate<String> faultScriptExists, String faultsFolder) {

  /** Checks nothing outside the text. */
  public static ParseContext textOnly() {
    return new ParseContext(null, name -> true, "faults/");
  }
}

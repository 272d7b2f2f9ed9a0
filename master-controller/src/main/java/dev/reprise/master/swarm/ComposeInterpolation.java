package dev.reprise.master.swarm;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Compose's variable syntax in scalar values: {@code ${VAR}} and {@code $VAR} (unset: an empty string
 * and a warning), {@code ${VAR:-default}} / {@code ${VAR-default}}, {@code ${VAR:?message}} /
 * {@code ${VAR?message}} (unset: an error with the message) and {@code $$} for a literal {@code $}.
 * Immutable; problems go to the {@link ComposeReader} of the translation.
 */
final class ComposeInterpolation {
  private static final Pattern VAR = Pattern.compile("\\$(?:\\$|\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");

  private final Map<String, String> environment;

  /** @param environment the variables values resolve from (usually {@code System.getenv()}) */
  ComposeInterpolation(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  Map<String, String> environment() {
    return environment;
  }

  /** {@code value} (the scalar at {@code at}, YAML path {@code path}) with every variable replaced. */
  String interpolate(String value, Node at, String path, ComposeReader problems) {
    if (value.indexOf('$') < 0) return value;
    Matcher m = VAR.matcher(value);
    var sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(replacement(m, at, path, problems)));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  private String replacement(Matcher m, Node at, String path, ComposeReader problems) {
    if (m.group().equals("$$")) return "$";
    String name = m.group(1) != null ? m.group(1) : m.group(4);
    String v = environment.get(name);
    String op = m.group(2);
    boolean unset = v == null || (op != null && op.startsWith(":") && v.isEmpty());
    if (op == null) {
      if (v == null) problems.warnOnce("$" + name, at, path + ": variable " + name + " is not set; using an empty string");
      return v == null ? "" : v;
    }
    if (op.endsWith("-")) return unset ? m.group(3) : v;
    if (unset) problems.error(at, path + ": variable " + name + " is required: " + m.group(3));
    return v == null ? "" : v;
  }
}

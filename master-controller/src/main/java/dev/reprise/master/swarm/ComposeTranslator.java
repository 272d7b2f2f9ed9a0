package dev.reprise.master.swarm;

import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.Diagnostic;
import dev.reprise.fdsl.parse.YamlReader;
import dev.reprise.fdsl.source.Problems;
import dev.reprise.master.orchestrator.Orchestrator;
import dev.reprise.master.swarm.StackSpec.Service;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Translates a compose file into the {@link StackSpec} that {@code docker stack deploy} would
 * create, with the run's replica counts and restart condition {@code none} (a killed container stays
 * dead, as in FaultSee).
 *
 * <p>Rules: {@code image}, {@code entrypoint} (swarm Command) and {@code command} (swarm Args) in
 * string or list form, {@code environment} and {@code labels} in map or list form, {@code env_file},
 * service {@code networks} (list or map with {@code aliases}; none → the stack's {@code default}
 * network), top-level {@code networks} (overlay, {@code attachable}, {@code internal},
 * {@code driver_opts}, {@code labels}, {@code ipam.config} subnets, {@code external}, {@code name}),
 * {@code volumes} (named, bind with paths relative to the compose file, anonymous, long syntax) and
 * {@code tmpfs}, {@code ports} (short and long syntax; host mode under {@code dnsrr}),
 * {@code deploy.resources}, {@code deploy.placement.constraints}, {@code deploy.endpoint_mode},
 * {@code deploy.labels}, {@code hostname}, {@code user}, {@code working_dir},
 * {@code stop_grace_period}, {@code stop_signal}, {@code tty}, {@code stdin_open},
 * {@code read_only}, {@code extra_hosts}. {@code ${VAR}}, {@code ${VAR:-default}} and {@code $$} are
 * interpolated from the given environment. Every object gets the label
 * {@value StackSpec#NAMESPACE_LABEL} = stack name; services and networks are named
 * {@code <stack>_<key>}.
 *
 * <p>Keys that change what runs and cannot be honoured ({@code build} without {@code image},
 * {@code deploy.mode: global}, undeclared networks or volumes, malformed values) are errors; keys
 * that are ignored are warned about once per key. Stateless; call from any thread.
 *
 * <p>The work is split by what it reads: {@link ComposeReader} (typed, positioned values; every
 * problem collected), {@link ComposeInterpolation} ({@code ${VAR}}), {@link ComposeNetworks},
 * {@link ComposeVolumes} and {@link ComposeServices}; this class reads the top level and assembles
 * the stack.
 *
 * <p>A run translates once: {@link #translate(Path, String, Map)} builds the stack under
 * {@link StackSpec#UNNAMED}, before the run's ID exists, and the run names it with
 * {@link StackSpec#named} once its folder is created ({@code master validate} translates the same
 * way and never names it).
 */
public final class ComposeTranslator {
  private static final Set<String> TOP_KEYS = Set.of("version", "name", "services", "networks", "volumes");
  private static final Map<String, String> TOP_IGNORED = Map.of(
      "configs", "swarm configs are not supported by Reprise yet; the key is ignored",
      "secrets", "swarm secrets are not supported by Reprise yet; the key is ignored");

  private final ComposeInterpolation interpolation;

  /** @param environment the variables {@code ${VAR}} and value-less {@code environment} entries resolve from (usually {@code System.getenv()}) */
  public ComposeTranslator(Map<String, String> environment) {
    this.interpolation = new ComposeInterpolation(environment);
  }

  /**
   * Translates {@code text} (the content of {@code file}) into an unnamed stack ({@link StackSpec#UNNAMED}):
   * name it with {@link StackSpec#named} before deploying.
   *
   * @param replicas compose service → tasks at T0; services absent here get 0
   * @throws ScenarioException with every error found, positioned in {@code file}
   */
  public Orchestrator.Translation translate(Path file, String text, Map<String, Integer> replicas) throws ScenarioException {
    return translate(file, text, replicas, false);
  }

  /**
   * As {@link #translate(Path, String, Map)}; with {@code keepRestartPolicies} ({@code environment.restart: keep})
   * each service keeps its {@code deploy.restart_policy} (Swarm's default {@code any} when it has none)
   * instead of condition {@code none}, and a policy that restarts containers is a warning.
   */
  public Orchestrator.Translation translate(Path file, String text, Map<String, Integer> replicas, boolean keepRestartPolicies)
      throws ScenarioException {
    var r = new ComposeReader(file, interpolation);
    MappingNode rootMap = root(file, text);
    var top = r.entries(rootMap);
    top.forEach((key, e) -> {
      if (key.startsWith("x-") || TOP_KEYS.contains(key)) return;
      if (TOP_IGNORED.containsKey(key)) r.warnOnce(key, e.key(), key + ": " + TOP_IGNORED.get(key));
      else r.warnOnce(key, e.key(), "unknown top-level key '" + key + "' is ignored");
    });
    String stack = StackSpec.UNNAMED;
    var networkReader = new ComposeNetworks(r, stack);
    var volumeReader = new ComposeVolumes(r, stack);
    var serviceReader = new ComposeServices(r, networkReader, volumeReader, stack, keepRestartPolicies);
    if (top.get("networks") != null && top.get("networks").value() instanceof MappingNode declaredNetworks) {
      r.entries(declaredNetworks).forEach((name, e) -> {
        // an external network, or one with its own name, is not named after the stack
        boolean ownName = e.value() instanceof MappingNode m && r.entries(m).keySet().stream().anyMatch(k -> k.equals("external") || k.equals("name"));
        if (!ownName) checkObjectName(r, "networks", name, e.key());
      });
    }
    var networks = networkReader.declared(top.get("networks"));
    var volumes = volumeReader.declared(top.get("volumes"));
    var services = new ArrayList<Service>();
    var servicesEntry = top.get("services");
    if (servicesEntry == null || !(servicesEntry.value() instanceof MappingNode servicesMap)) {
      r.error(servicesEntry == null ? rootMap : servicesEntry.value(), "services: a mapping of service name to service is required");
    } else {
      r.entries(servicesMap).forEach((name, e) -> {
        checkObjectName(r, "services", name, e.key());
        var s = serviceReader.service(name, e.value(), networks, volumes, replicas.getOrDefault(name, 0));
        if (s != null) services.add(s);
      });
    }
    for (String name : replicas.keySet()) {
      if (services.stream().noneMatch(s -> s.composeName().equals(name)) && r.errors.isEmpty()) {
        r.error(rootMap, "services." + name + ": the scenario uses service '" + name + "' but the compose file does not define it");
      }
    }
    if (!r.errors.isEmpty()) throw new ScenarioException(r.errors);
    return new Orchestrator.Translation(new StackSpec(stack, ComposeNetworks.used(networks, services), services), r.warnings);
  }

  /**
   * The names Swarm gives a stack's services and networks: {@code <stack>_<name>}, a DNS name
   * component ({@code [A-Za-z0-9]} runs joined by {@code -} or {@code _}).
   */
  private static final java.util.regex.Pattern OBJECT_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9]+(?:[-_]+[A-Za-z0-9]+)*");

  /**
   * The longest compose service or network name: {@code <stack>_<name>} is at most
   * {@link StackSpec#MAX_OBJECT_NAME} characters and the shortest run ID (the stack's name) is 20
   * ({@code RunFolders.MIN_ID}).
   */
  static final int MAX_COMPOSE_NAME = StackSpec.MAX_OBJECT_NAME - 1 - 20;

  /** Reports a service or network name Swarm would refuse, at its key, before anything is deployed. */
  private static void checkObjectName(ComposeReader r, String section, String name, Node key) {
    if (!OBJECT_NAME.matcher(name).matches()) {
      r.error(key, section + "." + name + ": Swarm names it <stack>_" + name + ", which must be a DNS name component:"
          + " letters, digits, and '-' or '_' between them (no dots or spaces); rename it");
    } else if (name.length() > MAX_COMPOSE_NAME) {
      r.error(key, section + "." + name + ": the name is " + name.length() + " characters; Swarm names it <stack>_" + name
          + " within " + StackSpec.MAX_OBJECT_NAME + " characters, which leaves at most " + MAX_COMPOSE_NAME + " for it");
    }
  }

  /**
   * Translates {@code text} into stack {@code stackName}: {@link #translate(Path, String, Map)}, then
   * {@link StackSpec#named}. For callers that know the name already (tests, benchmarks).
   */
  public NamedTranslation translate(Path file, String text, String stackName, Map<String, Integer> replicas)
      throws ScenarioException {
    var t = translate(file, text, replicas);
    return new NamedTranslation(((StackSpec) t.stack()).named(stackName), t.warnings());
  }

  /** A translation already named: the stack and the warnings to show the user (each once). */
  public record NamedTranslation(StackSpec stack, List<Diagnostic> warnings) {
    public NamedTranslation {
      warnings = List.copyOf(warnings);
    }
  }

  /**
   * The document's root mapping, or the YAML problems (a syntax error, every explicit tag) or the
   * missing mapping. Read with fdsl-schema's {@link YamlReader} (its size limit, its refusal of tags),
   * keys not merged while composing: {@link ComposeReader#entries} applies merge keys itself.
   */
  private static MappingNode root(Path file, String text) throws ScenarioException {
    var problems = new Problems();
    var options = YamlReader.loaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMergeOnCompose(false);
    var root = new YamlReader(problems).compose(text, options);
    if (!problems.isEmpty()) {
      throw new ScenarioException(problems.list().stream()
          .map(p -> new Diagnostic(file, p.pos().line(), p.pos().column(), p.message())).toList());
    }
    if (root.isEmpty() || !(root.get() instanceof MappingNode rootMap)) {
      throw new ScenarioException(List.of(new Diagnostic(file, 1, 1, "a compose file is a mapping with a 'services' key")));
    }
    return rootMap;
  }
}

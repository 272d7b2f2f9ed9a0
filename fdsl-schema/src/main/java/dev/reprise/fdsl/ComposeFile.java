package dev.reprise.fdsl;

import dev.reprise.fdsl.parse.YamlReader;
import dev.reprise.fdsl.source.Problem;
import dev.reprise.fdsl.source.Problems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A docker-compose file as the scenario sees it: its service names (checked against the scenario)
 * and the whole document, which the master's deployer translates into swarm services.
 *
 * @param path the file, as found (relative paths stay relative to the working directory)
 * @param text its full content (kept in run.json)
 * @param document the YAML tree as SnakeYAML loads it (maps are {@code LinkedHashMap}s, file order)
 * @param serviceNames the services, in file order
 */
public record ComposeFile(Path path, String text, Map<String, Object> document, List<String> serviceNames) {

  public ComposeFile {
    serviceNames = List.copyOf(serviceNames);
    document = Collections.unmodifiableMap(document);
  }

  /** The compose file when it is usable, and every problem found in it. */
  public record Result(Optional<ComposeFile> compose, List<Problem> problems) {}

  /**
   * Checks that {@code text} is a compose file with a {@code services} mapping whose entries are
   * mappings, and loads it. Pure; never throws for bad input.
   */
  @SuppressWarnings("unchecked")
  public static Result parse(Path path, String text) {
    var problems = new Problems();
    var yaml = new YamlReader(problems);
    var root = yaml.compose(text);
    if (root.isEmpty()) return new Result(Optional.empty(), problems.list());
    var top = yaml.mapping(root.get(), "the compose file");
    if (top.isEmpty()) return new Result(Optional.empty(), problems.list());
    var services = top.get().get("services");
    var names = new ArrayList<String>();
    if (services == null) {
      yaml.problem(YamlReader.pos(root.get()), "services: missing (a compose file lists its services under 'services:')");
    } else {
      yaml.mapping(services.value(), "services").ifPresent(m -> m.values().forEach(e -> {
        if (YamlReader.isNull(e.value()) || yaml.mapping(e.value(), "services." + e.key()).isPresent()) names.add(e.key());
      }));
    }
    if (!problems.isEmpty()) return new Result(Optional.empty(), problems.list());
    Object loaded;
    try {
      loaded = new Yaml(new SafeConstructor(YamlReader.loaderOptions())).load(text);
    } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
      var m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      yaml.problem(m == null ? dev.reprise.fdsl.source.SourcePos.NONE : new dev.reprise.fdsl.source.SourcePos(m.getLine() + 1, m.getColumn() + 1),
          "cannot read a value: " + e.getProblem());
      return new Result(Optional.empty(), problems.list());
    } catch (org.yaml.snakeyaml.error.YAMLException e) {
      yaml.problem(dev.reprise.fdsl.source.SourcePos.NONE, "cannot read the compose file: " + e.getMessage());
      return new Result(Optional.empty(), problems.list());
    }
    return new Result(Optional.of(new ComposeFile(path, text, (Map<String, Object>) loaded, names)), List.of());
  }
}

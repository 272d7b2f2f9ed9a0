package dev.reprise.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.FdslSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Every example is valid, plans deterministically, passes the JSON Schema, and points editors at it. */
class ExamplesTest {
  private static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "."));

  static List<Path> scenarios() throws IOException {
    try (Stream<Path> files = Files.walk(EXAMPLES, 2)) {
      return files.filter(p -> p.getFileName().toString().equals("scenario.yaml")).sorted().toList();
    }
  }

  @Test void thereAreExamples() throws IOException {
    assertThat(scenarios()).extracting(p -> p.getParent().getFileName().toString())
        .contains("hello", "cassandra-node-kill", "cassandra-cpu", "nginx-churn", "faultsee-paper-kill", "faultsee-paper-cpu");
  }

  @TestFactory Stream<DynamicTest> everyExampleIsValidAndPlansTheSameTwice() throws IOException {
    return scenarios().stream().map(s -> DynamicTest.dynamicTest(s.toString(), () -> {
      try {
        var loaded = ScenarioLoader.load(s, null);
        assertThat(PlanJson.write(loaded.plan(null))).isEqualTo(PlanJson.write(ScenarioLoader.load(s, null).plan(null)));
      } catch (ScenarioException e) {
        throw new AssertionError(s + " is invalid:\n" + e.getMessage(), e);
      }
    }));
  }

  @TestFactory Stream<DynamicTest> everyExamplePassesTheJsonSchema() throws IOException {
    var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(FdslSchema.text());
    return scenarios().stream().map(s -> DynamicTest.dynamicTest(s.toString(), () -> {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(s));
      assertThat(schema.validate(new ObjectMapper().valueToTree(doc))).extracting(ValidationMessage::getMessage).isEmpty();
    }));
  }

  @TestFactory Stream<DynamicTest> everyExampleNamesTheSchemaForEditors() throws IOException {
    return scenarios().stream().map(s -> DynamicTest.dynamicTest(s.toString(), () -> {
      String first = Files.readAllLines(s).get(0);
      assertThat(first).startsWith("# yaml-language-server: $schema=");
      Path target = s.getParent().resolve(first.substring(first.indexOf('=') + 1)).normalize();
      assertThat(target).as("the $schema path resolves from the example's folder").exists();
    }));
  }
}

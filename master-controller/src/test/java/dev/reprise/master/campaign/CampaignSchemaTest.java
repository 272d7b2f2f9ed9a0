package dev.reprise.master.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** campaign.schema.json (for editors) agrees with the parser: the same keys, and the examples validate. */
class CampaignSchemaTest {
  static final String RESOURCE = "/dev/reprise/fdsl/campaign.schema.json";
  static final Path EXAMPLE = Path.of("..", "examples", "campaign", "campaign.yaml");

  static String schemaText() throws IOException {
    try (InputStream in = CampaignSchemaTest.class.getResourceAsStream(RESOURCE)) {
      assertThat(in).as(RESOURCE).isNotNull();
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  static List<String> validate(String yaml) throws IOException {
    var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schemaText());
    Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    return schema.validate(new ObjectMapper().valueToTree(doc)).stream().map(ValidationMessage::getMessage).toList();
  }

  static List<String> keys(JsonNode properties) {
    var out = new ArrayList<String>();
    properties.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test void theSchemaHasTheParsersKeys() throws IOException {
    JsonNode schema = new ObjectMapper().readTree(schemaText());
    assertThat(keys(schema.get("properties"))).containsExactlyInAnyOrderElementsOf(CampaignParser.TOP_KEYS);
    assertThat(keys(schema.at("/definitions/group/properties"))).containsExactlyInAnyOrderElementsOf(CampaignParser.GROUP_KEYS);
    assertThat(keys(schema.at("/definitions/group/properties/seeds/oneOf/1/properties")))
        .containsExactlyInAnyOrderElementsOf(CampaignParser.SEEDS_KEYS);
  }

  @Test void theExampleValidatesAndParses() throws Exception {
    assertThat(validate(Files.readString(EXAMPLE))).isEmpty();
    assertThat(CampaignParser.parse(EXAMPLE).groups()).hasSize(1);
    assertThat(new CampaignPreparer(null).prepare(CampaignParser.parse(EXAMPLE))).hasSize(8);
  }

  @Test void theSchemaFlagsTyposAndBadValues() throws IOException {
    assertThat(validate("groups: [{name: g, scenario: s.yaml, repetition: 2}]")).isNotEmpty();
    assertThat(validate("on_failure: never\ngroups: [{name: g, scenario: s.yaml}]")).isNotEmpty();
    assertThat(validate("groups: []")).isNotEmpty();
    assertThat(validate("cooldown: 10s\ntime_budget: 8h\ngroups: [{name: g, scenario: s.yaml, seeds: {from: 1, count: 2},"
        + " matrix: {rate: [1, 2]}, compose_env: {RATE: '${rate}'}, baseline: faults-off}]")).isEmpty();
  }
}

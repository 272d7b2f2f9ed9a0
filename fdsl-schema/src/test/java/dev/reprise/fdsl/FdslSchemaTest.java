package dev.reprise.fdsl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The schema agrees with the parser on what editors can check: accepts valid files, flags typos. */
class FdslSchemaTest {

  static List<String> validate(String yaml) {
    var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(FdslSchema.text());
    Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    return schema.validate(new ObjectMapper().valueToTree(doc)).stream().map(ValidationMessage::getMessage).toList();
  }

  @Test void acceptsAFaultSeeScenarioWithEveryFaultType() {
    assertThat(validate("""
        environment: {seed: 1, ntp_server: pool.ntp.org}
        events:
          - beginning: {web: 3}
          - moment:
              time: 5
              mark: go
              services:
                web:
                  - fault: {target: {specific: [0]}, kill: }
                  - fault: {target: {amount: 1}, signal: {signal: SIGUSR1, kills_container: "no"}}
                  - fault: {target: {percentage: 50}, cpu: {duration: 30s, cores: 2}}
                  - fault: {target: {amount: 1}, custom: {kills_container: no, fault_file_name: x.sh, fault_script_arguments: [20]}}
                  - start: {percentage: 200}
                  - stop: {amount: 1}
          - end: 1m
        """)).isEmpty();
  }

  @Test void flagsMisspeltKeysAndFaultTypes() {
    assertThat(validate("environent: {seed: 1}\nevents:\n  - beginning: {web: 1}\n  - end: 5\n")).isNotEmpty();
    assertThat(validate("events:\n  - beginning: {web: 1}\n  - moment: {time: 1, services: {web: [{fault: {target: {amount: 1}, kil: }}]}}\n  - end: 5\n"))
        .isNotEmpty();
  }

  @Test void flagsAMomentWithoutMarkOrServicesAndAMissingEnd() {
    assertThat(validate("events:\n  - beginning: {web: 1}\n  - moment: {time: 1}\n  - end: 5\n")).isNotEmpty();
    assertThat(validate("events:\n  - beginning: {web: 1}\n")).isNotEmpty();
  }

  @Test void flagsOutOfRangePercentagesAndBadSignals() {
    assertThat(validate("events:\n  - beginning: {web: 1}\n  - moment: {time: 1, services: {web: [{stop: {percentage: 101}}]}}\n  - end: 5\n"))
        .isNotEmpty();
    assertThat(validate("events:\n  - beginning: {web: 1}\n  - moment: {time: 1, services: {web: [{fault: {target: {amount: 1}, signal: {signal: SIGFOO, kills_container: no}}}]}}\n  - end: 5\n"))
        .isNotEmpty();
  }
}

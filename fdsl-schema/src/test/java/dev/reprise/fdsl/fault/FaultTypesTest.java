package dev.reprise.fdsl.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.reprise.fdsl.ScenarioParser;
import dev.reprise.fdsl.model.FaultSpec;
import dev.reprise.fdsl.model.ServiceEvent;
import dev.reprise.fdsl.parse.ParseContext;
import dev.reprise.fdsl.plan.PlanJson;
import dev.reprise.fdsl.FdslSchema;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The registry is complete and every part of every fault type agrees: record, name, parser, JSON
 * name, schema fragment and label. Fails when a fault record exists without an entry, or an entry
 * lacks or contradicts one of its parts.
 */
class FaultTypesTest {

  static String scenarioWith(FaultType<?> type) {
    return scenarioWith(type.name(), type.example());
  }

  static String scenarioWith(String type, String value) {
    return "events:\n  - beginning: {web: 1}\n  - moment: {time: 1, services: {web: [{fault: {target: {amount: 1}, "
        + type + ": " + value + "}}]}}\n  - end: 5\n";
  }

  /** The example of {@code type} read by the scenario parser (the one way FDSL reaches a parser). */
  static FaultSpec parsedExample(FaultType<?> type) {
    return parsed(type.name(), type.example());
  }

  /** The fault {@code type: value} (flow YAML) as the scenario parser reads it. */
  static FaultSpec parsed(String type, String value) {
    var result = ScenarioParser.parse(scenarioWith(type, value), ParseContext.textOnly());
    assertThat(result.problems()).as("problems parsing %s: %s", type, value).isEmpty();
    var event = result.scenario().orElseThrow().moments().get(0).services().get(0).events().get(0);
    return ((ServiceEvent.Fault) event).fault();
  }

  @Test
  void everyFaultRecordHasExactlyOneEntryAndEveryEntryARecord() {
    Set<Class<?>> records = new HashSet<>(Arrays.asList(FaultSpec.class.getPermittedSubclasses()));
    Set<Class<?>> registered = FaultTypes.all().stream().map(FaultType::record).collect(Collectors.toSet());
    assertThat(registered).as("records in FaultTypes vs records permitted by FaultSpec").isEqualTo(records);
    assertThat(FaultTypes.all()).extracting(FaultType::name).doesNotHaveDuplicates();
    assertThat(FaultTypes.names()).containsExactly("cpu", "custom", "disk_fill", "io", "kill", "memory", "network", "partition", "pause",
        "restart", "signal");
  }

  @Test
  void everyEntrysParserBuildsItsRecordWithItsNameAndALabel() {
    for (var type : FaultTypes.all()) {
      var fault = parsedExample(type);
      assertThat(fault).as("parser of %s", type.name()).isInstanceOf(type.record());
      assertThat(fault.type()).as("type() of %s", type.record().getSimpleName()).isEqualTo(type.name());
      assertThat(FaultTypes.of(fault)).isSameAs(type);
      assertThat(fault.label()).as("plot label of %s", type.name()).isNotBlank().startsWith(type.name());
    }
  }

  @Test
  void theParserKnowsExactlyTheRegisteredTypes() {
    var result = ScenarioParser.parse("events:\n  - beginning: {web: 1}\n  - moment: {time: 1, services: {web: [{fault: {target: {amount: 1}, reboot: }}]}}\n  - end: 5\n",
        ParseContext.textOnly());
    assertThat(result.problems()).extracting(p -> p.message())
        .containsExactly("events[1].moment.services.web[0].fault: unknown fault type 'reboot' (expected one of: "
            + String.join(", ", FaultTypes.names()) + ")");
  }

  @Test
  void everyEntryIsNamedInJsonByItsNameNeverByClassName() throws Exception {
    for (var type : FaultTypes.all()) {
      var fault = parsedExample(type);
      String json = PlanJson.mapper().writeValueAsString(fault);
      assertThat(json).as("JSON of %s", type.name()).startsWith("{\"type\":\"" + type.name() + "\"").doesNotContain("dev.reprise");
      assertThat(PlanJson.mapper().readValue(json, FaultSpec.class)).isEqualTo(fault);
    }
    assertThatThrownBy(() -> PlanJson.mapper().readValue("{\"type\":\"dev.reprise.fdsl.model.KillFault\"}", FaultSpec.class))
        .hasMessageContaining("dev.reprise.fdsl.model.KillFault");
  }

  @Test
  void theSchemasFaultSectionIsExactlyTheRegistrysFragments() throws Exception {
    JsonNode fault = new ObjectMapper().readTree(FdslSchema.text()).path("definitions").path("fault").path("properties");
    var inSchema = new TreeSet<String>();
    fault.fieldNames().forEachRemaining(inSchema::add);
    inSchema.removeAll(List.of("target"));
    assertThat(inSchema).as("fault types in " + FdslSchema.RESOURCE).isEqualTo(FaultTypes.names());
    for (var type : FaultTypes.all()) {
      assertThat(fault.get(type.name()))
          .as("definitions.fault.properties.%s in %s must be the schema of FaultTypes.%s:%n%s", type.name(), FdslSchema.RESOURCE,
              type.name().toUpperCase(java.util.Locale.ROOT), type.schema().toPrettyString())
          .isEqualTo(type.schema());
    }
  }

  @Test
  void everyEntrysExampleIsValidForTheSchema() {
    var schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(FdslSchema.text());
    for (var type : FaultTypes.all()) {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(scenarioWith(type));
      assertThat(schema.validate(new ObjectMapper().valueToTree(doc))).extracting(ValidationMessage::getMessage)
          .as("schema problems with the example of %s", type.name()).isEmpty();
    }
  }

  @Test
  void cpuNeedsCgroupsAndAShellTheOthersOnlyTheEngine() {
    assertThat(FaultTypes.CPU.hostFeatures()).containsExactlyInAnyOrder(HostFeature.CGROUP_PROCS, HostFeature.SHELL);
    assertThat(FaultTypes.KILL.hostFeatures()).isEmpty();
    assertThat(FaultTypes.SIGNAL.hostFeatures()).isEmpty();
    assertThat(FaultTypes.CUSTOM.hostFeatures()).isEmpty();
    assertThat(FaultTypes.hostFeatures(List.of(parsedExample(FaultTypes.KILL), parsedExample(FaultTypes.CPU))))
        .containsExactly(HostFeature.CGROUP_PROCS, HostFeature.SHELL);
    for (var f : HostFeature.values()) assertThat(HostFeature.ofWord(f.word())).isEqualTo(f);
    assertThat(HostFeature.NET_EMULATION.word()).isEqualTo("net_emulation");
    assertThat(HostFeature.ofWord("warp_drive")).isNull();
  }

  static Set<HostFeature> featuresOf(String type, String value) {
    return FaultTypes.hostFeatures(List.of(parsed(type, value)));
  }

  @Test
  void networkFaultsNeedNsenterAndWhatTheirEffectsUse() {
    assertThat(FaultTypes.NETWORK.hostFeatures()).containsExactly(HostFeature.NSENTER);
    assertThat(featuresOf("network", "{duration: 1, loss: 10%}")).containsExactly(HostFeature.NSENTER, HostFeature.IPTABLES);
    assertThat(featuresOf("network", "{duration: 1, loss: {percent: 10, correlation: 25}}"))
        .containsExactly(HostFeature.NSENTER, HostFeature.IPTABLES, HostFeature.NET_EMULATION);
    for (String effect : List.of("delay: 5ms", "corrupt: 1%", "duplicate: 1%", "delay: 5ms, reorder: 5%")) {
      assertThat(featuresOf("network", "{duration: 1, " + effect + "}")).as(effect)
          .containsExactly(HostFeature.NSENTER, HostFeature.IPTABLES, HostFeature.NET_EMULATION);
    }
    assertThat(featuresOf("network", "{duration: 1, rate: 1mbit}")).containsExactly(HostFeature.NSENTER, HostFeature.TC);
    assertThat(featuresOf("network", "{duration: 1, rate: 1mbit, direction: ingress}"))
        .containsExactly(HostFeature.NSENTER, HostFeature.TC, HostFeature.IFB);
    assertThat(featuresOf("network", "{duration: 1, rate: 1mbit, direction: both, ports: [80]}"))
        .containsExactly(HostFeature.NSENTER, HostFeature.IPTABLES, HostFeature.TC, HostFeature.IFB);
    assertThat(featuresOf("network", "{duration: 1, rate: 1mbit, to: {web: all}}"))
        .containsExactly(HostFeature.NSENTER, HostFeature.IPTABLES, HostFeature.TC);
  }

  @Test
  void partitionsNeedNsenterAndIptablesMemoryAndIoTheHelperPauseRestartAndDiskFillOnlyTheEngine() {
    assertThat(featuresOf("partition", "{duration: 1}")).containsExactly(HostFeature.NSENTER, HostFeature.IPTABLES);
    assertThat(featuresOf("memory", "{duration: 1, size: 1}")).containsExactly(HostFeature.CGROUP_PROCS, HostFeature.NATIVE_HELPER);
    assertThat(featuresOf("io", "{duration: 1, path: /d}")).containsExactly(HostFeature.CGROUP_PROCS, HostFeature.NATIVE_HELPER);
    assertThat(featuresOf("pause", "1")).isEmpty();
    assertThat(featuresOf("restart", "")).isEmpty();
    assertThat(featuresOf("disk_fill", "{duration: 1, path: /d, size: 1}")).isEmpty();
    assertThat(FaultTypes.hostFeatures(List.of(parsed("cpu", "{duration: 1}"), parsed("network", "{duration: 1, rate: 1mbit}"))))
        .containsExactly(HostFeature.CGROUP_PROCS, HostFeature.SHELL, HostFeature.NSENTER, HostFeature.TC);
  }

  @Test
  void everyFaultTypeLeavesItsContainersAlive() {
    for (var type : FaultTypes.all()) {
      if (List.of("kill", "signal", "custom").contains(type.name())) continue;
      assertThat(parsedExample(type).killsContainer()).as(type.name()).isFalse();
    }
  }

  @Test
  void networkAndPartitionFaultsReadBackFromTheirJson() throws Exception {
    var network = parsed("network", "{duration: 30s, delay: {time: 1.5ms, jitter: 250us}, loss: {percent: 1, correlation: 5},"
        + " corrupt: 0.1%, duplicate: 2, reorder: 5%, rate: 10mbps, to: {db: [2, 0], web: all}, ports: [80, 443], direction: ingress}");
    String json = PlanJson.mapper().writeValueAsString(network);
    assertThat(json).isEqualTo("{\"type\":\"network\",\"durationMillis\":30000,\"delay\":{\"timeMicros\":1500,\"jitterMicros\":250,"
        + "\"correlationPercent\":0.0},\"loss\":{\"percent\":1.0,\"correlationPercent\":5.0},\"corruptPercent\":0.1,"
        + "\"duplicatePercent\":2.0,\"reorder\":{\"percent\":5.0,\"correlationPercent\":0.0},\"rateBitsPerSecond\":80000000,"
        + "\"to\":{\"db\":[0,2],\"web\":\"all\"},\"ports\":[80,443],\"direction\":\"ingress\"}");
    assertThat(PlanJson.mapper().readValue(json, FaultSpec.class)).isEqualTo(network);
    var partition = parsed("partition", "{duration: 5, direction: incoming}");
    String pj = PlanJson.mapper().writeValueAsString(partition);
    assertThat(pj).isEqualTo("{\"type\":\"partition\",\"durationMillis\":5000,\"peers\":{},\"direction\":\"incoming\"}");
    assertThat(PlanJson.mapper().readValue(pj, FaultSpec.class)).isEqualTo(partition);
  }
}

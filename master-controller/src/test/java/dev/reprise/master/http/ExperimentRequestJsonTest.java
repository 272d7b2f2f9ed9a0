package dev.reprise.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.master.experiments.ChaosAction;
import dev.reprise.master.experiments.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One test per rule of {@link ExperimentRequestJson}. */
class ExperimentRequestJsonTest {
  private static final String JSON = "application/json";

  private static ExperimentRequestJson.Result parse(String body) {
    return ExperimentRequestJson.parse(JSON, body.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> fields(ExperimentRequestJson.Result r) {
    return r.errors().stream().map(FieldError::field).toList();
  }

  private static String message(ExperimentRequestJson.Result r, String field) {
    return r.errors().stream().filter(e -> e.field().equals(field)).findFirst().orElseThrow().message();
  }

  @Test
  void aCompleteRequestParses() {
    var r = parse("{'experimentId':'cpu-1','targetService':'shop_api','action':'CPU_SPIKE','parameters':{'cores':2,'targetCount':1},"
        + "'durationSeconds':60,'safetyThreshold':{'maxErrorRatePct':5,'maxP99LatencyMs':500,'windowSeconds':3}}");
    assertThat(r.errors()).isEmpty();
    assertThat(r.request().experimentId()).isEqualTo("cpu-1");
    assertThat(r.request().action()).isEqualTo(ChaosAction.CPU_SPIKE);
    assertThat(r.request().parameters()).isEqualTo(Map.of("cores", 2, "targetCount", 1));
    assertThat(r.request().durationSeconds()).isEqualTo(60);
    assertThat(r.request().safetyThreshold().maxErrorRatePct()).isEqualTo(5.0);
    assertThat(r.request().safetyThreshold().windowSeconds()).isEqualTo(3);
  }

  @Test
  void parametersAndThresholdAreOptional() {
    var r = parse("{'experimentId':'k','targetService':'s_a','action':'KILL','durationSeconds':1}");
    assertThat(r.errors()).isEmpty();
    assertThat(r.request().parameters()).isEmpty();
    assertThat(r.request().safetyThreshold().isNone()).isTrue();
  }

  @Test
  void wrongContentType() {
    var r = ExperimentRequestJson.parse("text/plain", "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(fields(r)).containsExactly("Content-Type");
    assertThat(message(r, "Content-Type")).contains("application/json").contains("text/plain");
  }

  @Test
  void noContentType() {
    assertThat(message(ExperimentRequestJson.parse(null, new byte[0]), "Content-Type")).contains("none");
  }

  @Test
  void contentTypeWithCharsetIsJson() {
    var r = ExperimentRequestJson.parse("Application/JSON; charset=utf-8",
        "{\"experimentId\":\"k\",\"targetService\":\"s\",\"action\":\"KILL\",\"durationSeconds\":1}".getBytes(StandardCharsets.UTF_8));
    assertThat(r.errors()).isEmpty();
  }

  @Test
  void malformedJsonSaysLineAndColumn() {
    var r = ExperimentRequestJson.parse(JSON, "{\n  \"experimentId\": \"a\",\n  \"action\" KILL\n}".getBytes(StandardCharsets.UTF_8));
    assertThat(fields(r)).containsExactly("body");
    assertThat(message(r, "body")).startsWith("malformed JSON at line 3, column");
  }

  @Test
  void emptyBody() {
    assertThat(message(ExperimentRequestJson.parse(JSON, new byte[0]), "body")).startsWith("empty");
  }

  @Test
  void bodyNotAnObject() {
    assertThat(message(parse("[1,2]"), "body")).isEqualTo("must be a JSON object, got a list");
  }

  @Test
  void everyMissingRequiredFieldAtOnce() {
    var r = parse("{}");
    assertThat(fields(r)).containsExactly("experimentId", "targetService", "action", "durationSeconds");
    assertThat(message(r, "experimentId")).isEqualTo("required");
  }

  @Test
  void unknownTopLevelField() {
    var r = parse("{'experimentId':'k','targetService':'s','action':'KILL','durationSeconds':1,'duration':5}");
    assertThat(fields(r)).containsExactly("duration");
    assertThat(message(r, "duration")).contains("unknown field").contains("durationSeconds");
  }

  @Test
  void wrongTypeOfAStringField() {
    var r = parse("{'experimentId':7,'targetService':'s','action':'KILL','durationSeconds':1}");
    assertThat(message(r, "experimentId")).isEqualTo("must be a string, got an integer (7)");
  }

  @Test
  void experimentIdPattern() {
    var r = parse("{'experimentId':'a b','targetService':'s','action':'KILL','durationSeconds':1}");
    assertThat(message(r, "experimentId")).startsWith("must be 1-64 of");
  }

  @Test
  void emptyTargetService() {
    var r = parse("{'experimentId':'a','targetService':' ','action':'KILL','durationSeconds':1}");
    assertThat(message(r, "targetService")).isEqualTo("must not be empty");
  }

  @Test
  void unknownActionListsTheValidOnes() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'NUKE','durationSeconds':1}");
    assertThat(message(r, "action")).startsWith("unknown action 'NUKE'; one of: NETWORK_PARTITION, NETWORK_DELAY")
        .contains("CPU_SPIKE").endsWith("PAUSE");
  }

  @Test
  void durationAsStringIsAWrongType() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':'60s'}");
    assertThat(message(r, "durationSeconds")).isEqualTo("must be an integer number of seconds, got a string (\"60s\")");
  }

  @Test
  void durationFractionIsAWrongType() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':1.5}");
    assertThat(message(r, "durationSeconds")).contains("got a number (1.5)");
  }

  @Test
  void durationMustBePositive() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':0}");
    assertThat(message(r, "durationSeconds")).isEqualTo("must be > 0, got 0");
  }

  @Test
  void parametersMustBeAnObject() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':1,'parameters':[1]}");
    assertThat(message(r, "parameters")).isEqualTo("must be an object, got a list");
  }

  @Test
  void parameterTheActionDoesNotTake() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'NETWORK_DELAY','durationSeconds':1,'parameters':{'latencyMs':100,'cores':2}}");
    assertThat(fields(r)).containsExactly("parameters.cores");
    assertThat(message(r, "parameters.cores")).isEqualTo(
        "not a parameter of NETWORK_DELAY; it takes: latencyMs, jitterMs, correlationPct, toService, ports, targetCount, targetPercent");
  }

  @Test
  void parameterValueMustNotBeAnObject() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'NETWORK_DELAY','durationSeconds':1,'parameters':{'latencyMs':{'v':1}}}");
    assertThat(message(r, "parameters.latencyMs")).contains("got an object");
  }

  @Test
  void targetCountAndTargetPercentNotBoth() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':1,'parameters':{'targetCount':1,'targetPercent':50}}");
    assertThat(message(r, "parameters.targetPercent")).isEqualTo("give targetCount or targetPercent, not both");
  }

  @Test
  void targetCountMustBeAPositiveInteger() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':1,'parameters':{'targetCount':0}}");
    assertThat(message(r, "parameters.targetCount")).isEqualTo("must be an integer > 0, got 0");
  }

  @Test
  void targetPercentRange() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':1,'parameters':{'targetPercent':150}}");
    assertThat(message(r, "parameters.targetPercent")).startsWith("must be a number in (0, 100]");
  }

  @Test
  void safetyThresholdMustBeAnObject() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':1,'safetyThreshold':5}");
    assertThat(message(r, "safetyThreshold")).startsWith("must be an object with maxErrorRatePct");
  }

  @Test
  void unknownSafetyThresholdField() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':1,'safetyThreshold':{'maxErrors':5}}");
    assertThat(fields(r)).containsExactly("safetyThreshold.maxErrors");
  }

  @Test
  void errorRateRange() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':1,'safetyThreshold':{'maxErrorRatePct':0}}");
    assertThat(message(r, "safetyThreshold.maxErrorRatePct")).startsWith("must be in (0, 100]");
  }

  @Test
  void errorRateWrongType() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':1,'safetyThreshold':{'maxErrorRatePct':'5%'}}");
    assertThat(message(r, "safetyThreshold.maxErrorRatePct")).isEqualTo("must be a number, got a string (\"5%\")");
  }

  @Test
  void p99MustBePositive() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':1,'safetyThreshold':{'maxP99LatencyMs':-1}}");
    assertThat(message(r, "safetyThreshold.maxP99LatencyMs")).startsWith("must be > 0 ms");
  }

  @Test
  void windowMustBeAPositiveInteger() {
    var r = parse("{'experimentId':'a','targetService':'s','action':'KILL','durationSeconds':1,'safetyThreshold':{'windowSeconds':0.5}}");
    assertThat(message(r, "safetyThreshold.windowSeconds")).startsWith("must be an integer number of seconds");
  }

  @Test
  void everyBadFieldIsNamedAtOnce() {
    var r = parse("{'experimentId':'','targetService':3,'action':'NUKE','durationSeconds':-5,'extra':1,'safetyThreshold':{'maxErrorRatePct':500}}");
    assertThat(fields(r)).containsExactlyInAnyOrder("extra", "experimentId", "targetService", "action", "durationSeconds",
        "safetyThreshold.maxErrorRatePct");
  }
}

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

  /** {@code web: [<event>]} at 5 s in a valid scenario. */
  static String withWebEvent(String event) {
    return "events:\n  - beginning: {web: 3, db: 2}\n  - moment: {time: 5, services: {web: [" + event + "]}}\n  - end: 1m\n";
  }

  @Test void acceptsEveryFormOfTheExtensionFaultTypes() {
    for (String fault : List.of(
        "network: {duration: 30s, delay: 50ms, loss: 10%, corrupt: 1%, duplicate: 1, reorder: 25%, rate: 1mbit}",
        "network: {duration: 30s, delay: {time: 1.5ms, jitter: 250us, correlation: 25}, loss: {percent: 10, correlation: 25},"
            + " reorder: {percent: 25, correlation: 50}, to: {db: [0, 1], web: all}, ports: [9042], direction: ingress}",
        "network: {duration: 30s, rate: 10MBPS, direction: both}",
        "partition: {duration: 20s}",
        "partition: {duration: 20s, peers: {db: [1]}, direction: outgoing}",
        "pause: 10s", "pause: {duration: 10}",
        "restart: ", "restart: {duration: 5s, grace: 10s}",
        "memory: {duration: 30s, size: 512MiB, rate: 64MiB/s}", "memory: {duration: 30s, size: 512}",
        "disk_fill: {duration: 30s, path: /var/lib/cassandra, size: 1GiB}", "disk_fill: {duration: 30s, path: /data, percent: 90}",
        "io: {duration: 30s, path: /data, mode: write, workers: 2, size: 64MiB}", "io: {duration: 30s, path: /data}")) {
      assertThat(validate(withWebEvent("{fault: {target: {amount: 1}, " + fault + "}}"))).as(fault).isEmpty();
    }
  }

  @Test void flagsWhatTheParserRejectsInTheExtensionFaultTypes() {
    for (String fault : List.of(
        "network: {duration: 30s}",
        "network: {duration: 30s, reorder: 25%}",
        "network: {duration: 30s, loss: 101}",
        "network: {duration: 30s, rate: 100}",
        "network: {duration: 30s, loss: 1%, direction: sideways}",
        "network: {duration: 30s, loss: 1%, to: {web: some}}",
        "network: {duration: 30s, loss: 1%, ports: [70000]}",
        "partition: {duration: 20s, direction: both_ways}",
        "pause: {}",
        "memory: {duration: 30s}",
        "disk_fill: {duration: 30s, path: /data, size: 1GiB, percent: 90}",
        "disk_fill: {duration: 30s, path: data, size: 1GiB}",
        "io: {duration: 30s, path: /data, mode: append}",
        "io: {duration: 30s, path: /data, workers: 65}")) {
      assertThat(validate(withWebEvent("{fault: {target: {amount: 1}, " + fault + "}}"))).as(fault).isNotEmpty();
    }
  }

  static String withEnvironment(String env) {
    return "environment:\n" + env + "events:\n  - beginning: {web: 3, db: 2}\n  - end: 1m\n";
  }

  @Test void acceptsEveryFormOfSafetyAndGrafana() {
    String full = withEnvironment("""
          safety:
            max_fault_duration: 30s
            max_affected: {all: 3, db: 1, web: 30%}
            prometheus: http://127.0.0.1:9090
            check_interval: 1s
            abort_when:
              - name: client errors
                workload: {metric: error_rate, above: 0.5%, window: 5s}
              - workload: {metric: p99_latency, above: 200ms, window: 5s, for: 2s, service: web}
              - workload: {metric: throughput_drop, above: 50%, window: 5s, warmup: 10s}
              - prometheus: {query: 'sum(rate(http_requests_total{code=~"5.."}[5s]))', above: 5, for: 3s}
              - http: {url: http://127.0.0.1:8080/healthz, timeout: 2s, for: 2s}
                if_unavailable: abort
              - workload: {metric: error_rate, below: 0.01, window: 5s, if_unavailable: warn}
          grafana: {url: http://127.0.0.1:3000, token_file: grafana.token, dashboard: abc123}
        """);
    assertThat(validate(full)).isEmpty();
    assertThat(ScenarioParser.parse(full, dev.reprise.fdsl.parse.ParseContext.textOnly()).problems()).isEmpty();
    for (String env : List.of("  safety:\n    max_affected: 50%\n", "  safety:\n    max_affected: 2\n", "  safety:\n  grafana:\n",
        "  grafana: {url: 'https://grafana.lan'}\n")) {
      assertThat(validate(withEnvironment(env))).as(env).isEmpty();
    }
  }

  @Test void flagsWhatTheParserRefusesInSafetyAndGrafana() {
    for (String env : List.of(
        "  safety: {max_afected: 1}\n",
        "  safety: {max_affected: 0}\n",
        "  safety: {max_affected: {web: half}}\n",
        "  safety: {prometheus: 'ftp://x'}\n",
        "  safety:\n    abort_when:\n      - {workload: {metric: error_rate, above: 1%, window: 5s}, http: {url: 'http://h/'}}\n",
        "  safety:\n    abort_when:\n      - {name: nothing}\n",
        "  safety:\n    abort_when:\n      - workload: {metric: throughput_drop, above: 50%, window: 5s}\n",
        "  safety:\n    abort_when:\n      - workload: {metric: error_rate, above: 1%, window: 5s, warmup: 5s}\n",
        "  safety:\n    abort_when:\n      - workload: {metric: error_rate, above: 1%, below: 2%, window: 5s}\n",
        "  safety:\n    abort_when:\n      - workload: {metric: eror_rate, above: 1%, window: 5s}\n",
        "  safety:\n    abort_when:\n      - http: {url: 'http://h/', if_unavailable: maybe}\n",
        "  grafana: {dashboard: x}\n",
        "  grafana: {url: 'http://g/', dashbord: x}\n")) {
      assertThat(validate(withEnvironment(env))).as(env).isNotEmpty();
    }
  }
}

package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reprise.time.SystemTime;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One in-process generator run from command-line arguments (any target), with its lines and final log. */
final class WorkloadRun {

  final TrafficGenerator generator;
  final LineCollector out = new LineCollector();
  final List<Map<String, Object>> logs = new ArrayList<>();

  WorkloadRun(String... args) throws Exception {
    TrafficOptions[] parsed = new TrafficOptions[1];
    int code = TrafficGenCommand.execute(args, System.out, System.err, o -> {
      parsed[0] = o;
      return 0;
    });
    assertThat(code).as("arguments %s", List.of(args)).isZero();
    LoadTarget target = Targets.create(parsed[0], SystemTime.INSTANCE);
    generator = new TrafficGenerator(parsed[0], target, (ConnectionStress) target, SystemTime.INSTANCE,
        new PrintStream(out, true, StandardCharsets.UTF_8), (log, complete) -> {
          synchronized (logs) {
            logs.add(log);
          }
        });
  }

  /** Starts, runs to the end of the duration, finishes; returns the final log as JSON. */
  JsonNode runToEnd() throws Exception {
    generator.start();
    generator.finish(generator.awaitEnd());
    return finalLog();
  }

  JsonNode finalLog() {
    synchronized (logs) {
      return new ObjectMapper().valueToTree(logs.get(logs.size() - 1));
    }
  }
}

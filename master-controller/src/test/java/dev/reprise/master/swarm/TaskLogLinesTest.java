package dev.reprise.master.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import dev.reprise.master.orchestrator.Orchestrator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** How {@link DockerSwarmCluster#taskLogs} reads the frames of a task's log stream ({@code timestamps=true}). */
class TaskLogLinesTest {
  private static Frame frame(StreamType type, String text) {
    return new Frame(type, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void eachLineKeepsItsStreamAndTimestampAndALineMaySpanFrames() {
    var lines = new DockerSwarmCluster.TaskLogLines();
    lines.onNext(frame(StreamType.STDOUT, "2026-12-02T14:13:35.227503123Z hello\n2026-12-02T14:13:35.7Z wor"));
    lines.onNext(frame(StreamType.STDERR, "2026-12-02T14:13:36Z oops: a b\n"));
    lines.onNext(frame(StreamType.STDOUT, "ld\nno timestamp here\n2026-12-02T14:13:37Z unterminated"));

    assertThat(lines.result()).containsExactly(
        new Orchestrator.LogLine(Instant.parse("2026-12-02T14:13:35.227503123Z"), "stdout", "hello"),
        new Orchestrator.LogLine(Instant.parse("2026-12-02T14:13:36Z"), "stderr", "oops: a b"),
        new Orchestrator.LogLine(Instant.parse("2026-12-02T14:13:35.7Z"), "stdout", "world"),
        new Orchestrator.LogLine(Instant.parse("2026-12-02T14:13:35.7Z"), "stdout", "no timestamp here"),
        new Orchestrator.LogLine(Instant.parse("2026-12-02T14:13:37Z"), "stdout", "unterminated"));
  }
}

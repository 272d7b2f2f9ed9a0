package dev.reprise.master.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.fdsl.model.SignalFault;
import dev.reprise.fdsl.plan.AliveSnapshot;
import dev.reprise.fdsl.plan.FaultAction;
import dev.reprise.fdsl.plan.MarkAction;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.StartAction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProgressViewTest {
  private static final Plan PLAN = new Plan(1, 30_000, new TreeMap<>(Map.of("web", 2, "db", 1)),
      List.of(new MarkAction(0, 0, 3000, "warm"),
          new FaultAction(1, 1, 5000, "web", List.of(0), new SignalFault("SIGUSR1", false)),
          new StartAction(2, 2, 19_500, "web", List.of(2))),
      List.of(new AliveSnapshot(-1, 0, new TreeMap<>(Map.of("web", List.of(0, 1), "db", List.of(0))))));
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void showsElapsedEndNextAliveAndLastActionWithItsFiringError() {
    var view = new ProgressView(err, false, PLAN);
    assertThat(view.body(0)).isEqualTo("next: 3s mark \"warm\" | alive db=1 web=2");
    view.progress("h1", new AgentMessage.Progress(null, 1, "fault", "web", List.of(0), "ok", 12.4, Map.of("web", 2, "db", 1)), 5012);
    assertThat(text()).isEqualTo("[5.0s / 30s] next: 19.5s start web[2] | alive db=1 web=2 | last: #1 fault web[0] ok (+12 ms)\n");
  }

  @Test
  void aliveSumsTheLatestCountsOfEveryHost() {
    var view = new ProgressView(err, false, PLAN);
    view.armed("h1", Map.of("web", 1, "db", 1));
    view.armed("h2", Map.of("web", 1, "db", 0));
    assertThat(view.body(0)).endsWith("| alive db=1 web=2");
    view.progress("h2", new AgentMessage.Progress(null, 1, "fault", "web", List.of(1), "ok", 0.4, Map.of("web", 0, "db", 0)), 5000);
    assertThat(view.body(5000)).contains("| alive db=1 web=1 |");
  }

  @Test
  void withoutATerminalALineIsPrintedOnlyWhenMoreThanTheElapsedTimeChanged() {
    var view = new ProgressView(err, false, PLAN);
    view.tick(1000);
    view.tick(2000);
    view.tick(3500);
    assertThat(text().lines()).containsExactly("[1s / 30s] next: 3s mark \"warm\" | alive db=1 web=2",
        "[3.5s / 30s] next: 5s signal web[0] | alive db=1 web=2");
  }

  @Test
  void onATerminalTheLineIsRedrawnInPlaceAndMessagesGoAboveIt() {
    var view = new ProgressView(err, true, PLAN);
    view.tick(1000);
    view.tick(2000);
    view.message("agent: hello");
    view.tick(3000);
    view.close();
    assertThat(text()).isEqualTo("\r\033[K[1s / 30s] next: 3s mark \"warm\" | alive db=1 web=2"
        + "\r\033[K[2s / 30s] next: 3s mark \"warm\" | alive db=1 web=2"
        + "\r\033[Kagent: hello\n"
        + "\r\033[K[3s / 30s] next: 5s signal web[0] | alive db=1 web=2\n");
  }
}

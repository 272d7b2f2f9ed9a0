package dev.reprise.master.agentlink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.master.agentlink.AgentConnection.Incoming;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EmbeddedAgentTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A minimal agent: hello → hello; abort → ended aborted and return; EOF → return. */
  private static final CountDownLatch sawEof = new CountDownLatch(1);

  private static void echoAgent(java.io.InputStream in, java.io.OutputStream out) throws Exception {
    var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    var w = new PrintWriter(out, true, StandardCharsets.UTF_8);
    String line;
    while ((line = r.readLine()) != null) {
      if (line.contains("\"type\":\"hello\"")) w.println(ProtocolCodec.encode(new AgentMessage.Hello(1, "t", "h", null, null, null, null, null)));
      if (line.contains("\"type\":\"abort\"")) {
        w.println(ProtocolCodec.encode(new AgentMessage.Ended("aborted", "asked", 1)));
        return;
      }
    }
    sawEof.countDown();
  }

  private static AgentMessage next(AgentConnection c) throws InterruptedException {
    Incoming in = c.poll(WAIT);
    assertThat(in).isInstanceOf(Incoming.Message.class);
    return ((Incoming.Message) in).message();
  }

  @Test
  void conversationOverInProcessPipesEndsWithClosed() throws Exception {
    try (var c = EmbeddedAgent.start(EmbeddedAgentTest::echoAgent, "t1", WAIT)) {
      c.send(new MasterMessage.Hello(1, "r", "h"));
      assertThat(next(c)).isInstanceOf(AgentMessage.Hello.class);
      c.send(new MasterMessage.Abort("asked"));
      assertThat(next(c)).isEqualTo(new AgentMessage.Ended("aborted", "asked", 1));
      assertThat(c.poll(WAIT)).isEqualTo(new Incoming.Closed(null));
      assertThat(c.poll(Duration.ofMillis(1))).as("stays closed").isInstanceOf(Incoming.Closed.class);
    }
  }

  @Test
  void closingTheMastersSideIsEofForTheAgent() throws Exception {
    var c = EmbeddedAgent.start(EmbeddedAgentTest::echoAgent, "t2", WAIT);
    c.send(new MasterMessage.Heartbeat(java.time.Instant.EPOCH));
    c.close();
    assertThat(sawEof.await(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aCrashingAgentSaysWhyBeforeItsStreamCloses() throws Exception {
    try (var c = EmbeddedAgent.start((in, out) -> {
      throw new IllegalStateException("no docker socket");
    }, "t3", WAIT)) {
      var m = next(c);
      assertThat(m).isInstanceOf(AgentMessage.Error.class);
      assertThat(((AgentMessage.Error) m).message()).contains("crashed").contains("no docker socket");
      assertThat(c.poll(WAIT)).isInstanceOf(Incoming.Closed.class);
    }
  }

  @Test
  void garbledLinesAreReportedNotFatal() throws Exception {
    try (var c = EmbeddedAgent.start((in, out) -> {
      var w = new PrintWriter(out, true, StandardCharsets.UTF_8);
      w.println("garbage");
      w.println(ProtocolCodec.encode(new AgentMessage.Log("info", "still here")));
    }, "t4", WAIT)) {
      assertThat(c.poll(WAIT)).isInstanceOf(Incoming.Garbled.class);
      assertThat(next(c)).isEqualTo(new AgentMessage.Log("info", "still here"));
    }
  }

  @Test
  void aMessageOfANewerAgentIsPassedOnAsUnknownAndTheConversationGoesOn() throws Exception {
    String newer = "{\"type\":\"telemetry\",\"cpu\":0.5}";
    try (var c = EmbeddedAgent.start((in, out) -> {
      var w = new PrintWriter(out, true, StandardCharsets.UTF_8);
      w.println(newer);
      w.println(ProtocolCodec.encode(new AgentMessage.Log("info", "still here")));
    }, "t5", WAIT)) {
      assertThat(next(c)).isEqualTo(new AgentMessage.Unknown("telemetry", newer));
      assertThat(next(c)).isEqualTo(new AgentMessage.Log("info", "still here"));
    }
  }
}

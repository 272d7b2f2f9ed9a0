package dev.reprise.master.agentlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.agent.protocol.AgentMessage;
import dev.reprise.agent.protocol.MasterMessage;
import dev.reprise.agent.protocol.ProtocolCodec;
import dev.reprise.master.agentlink.AgentConnection.Incoming;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessAgentConnectionTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  /** A process that is told its exit code and stderr, and records the stops it is asked for. */
  private static final class FakeProcess implements ProcessAgentConnection.AgentProcess {
    volatile Integer exitCode;
    volatile String stderr = "";
    final List<Duration> stops = new ArrayList<>();

    @Override
    public Integer exitCode(Duration atMost) {
      return exitCode;
    }

    @Override
    public String stderrTail() {
      return stderr;
    }

    @Override
    public synchronized void stop(Duration grace) {
      stops.add(grace);
    }
  }

  /** The agent's ends of the two streams, and the master's connection. */
  private record Wired(ProcessAgentConnection connection, InputStream agentIn, OutputStream agentOut) {}

  private static Wired wire(FakeProcess process) throws IOException {
    Pipe toAgent = Pipe.open();
    Pipe fromAgent = Pipe.open();
    var c = new ProcessAgentConnection(Channels.newInputStream(fromAgent.source()), Channels.newOutputStream(toAgent.sink()),
        "t", process, WAIT);
    return new Wired(c, Channels.newInputStream(toAgent.source()), Channels.newOutputStream(fromAgent.sink()));
  }

  private static void say(OutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Test
  void linesBecomeMessagesOrGarbledAndTheEndStaysClosed() throws Exception {
    var w = wire(new FakeProcess());
    say(w.agentOut(), ProtocolCodec.encode(new AgentMessage.Ended("done", null, 0)));
    say(w.agentOut(), "not json");
    w.agentOut().close();
    assertThat(w.connection().poll(WAIT)).isEqualTo(new Incoming.Message(new AgentMessage.Ended("done", null, 0)));
    assertThat(w.connection().poll(WAIT)).isInstanceOf(Incoming.Garbled.class);
    assertThat(w.connection().poll(WAIT)).isEqualTo(new Incoming.Closed(null));
    assertThat(w.connection().poll(Duration.ofMillis(1))).as("stays closed").isEqualTo(new Incoming.Closed(null));
    w.connection().close();
  }

  @Test
  void aCleanEofFromAFailedProcessSaysItsExitCodeAndLastStderrLine() throws Exception {
    var process = new FakeProcess();
    var w = wire(process);
    process.exitCode = 2;
    process.stderr = "starting\nError: Could not find or load main class X\n";
    w.agentOut().close();
    assertThat(w.connection().poll(WAIT))
        .isEqualTo(new Incoming.Closed("the agent exited with code 2: Error: Could not find or load main class X"));
    w.connection().close();
  }

  @Test
  void closeIsEofForTheAgentThenStopsTheProcessOnce() throws Exception {
    var process = new FakeProcess();
    var w = wire(process);
    w.connection().send(new MasterMessage.Abort("asked"));
    var in = new String(w.agentIn().readNBytes(ProtocolCodec.encode(new MasterMessage.Abort("asked")).length() + 1), StandardCharsets.UTF_8);
    assertThat(in).contains("\"abort\"");
    w.agentOut().close(); // the agent ends when it sees EOF; here it has ended already
    w.connection().close();
    w.connection().close();
    assertThat(w.agentIn().read()).as("EOF on the agent's stdin").isEqualTo(-1);
    assertThat(process.stops).containsExactly(WAIT);
    assertThatThrownBy(() -> w.connection().send(new MasterMessage.Abort("late"))).isInstanceOf(IOException.class);
  }
}

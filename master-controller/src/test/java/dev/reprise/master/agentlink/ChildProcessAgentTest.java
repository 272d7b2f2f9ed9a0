package dev.reprise.master.agentlink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChildProcessAgentTest {

  @Test
  void theAgentRunsOnThisJvmsJavaAndClasspath() {
    assertThat(ChildProcessAgent.command()).containsExactly(ProcessHandle.current().info().command().orElseThrow(),
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xms16m", "-cp", System.getProperty("java.class.path"), "dev.reprise.agent.AgentMain");
  }

  @Test
  void theMainClassIsTheAgentsOnTheClasspath() throws Exception {
    assertThat(Class.forName(ChildProcessAgent.MAIN_CLASS).getMethod("main", String[].class)).isNotNull();
  }
}

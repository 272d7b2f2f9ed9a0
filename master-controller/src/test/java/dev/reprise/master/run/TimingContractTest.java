package dev.reprise.master.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.agent.Agent;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimingContractTest {

  private static void keepsTheContract(RunSettings s) {
    assertThat(s.heartbeat()).as("heartbeat < the agent's dead-man switch").isLessThan(Agent.DEAD_MAN);
    assertThat(Agent.DEAD_MAN).as("dead-man switch < the master's agent-silence abort").isLessThan(s.agentSilence());
    assertThat(s.abortWait()).as("abort wait > stop grace + the agent's drain + heal time")
        .isGreaterThan(Duration.ofMillis(s.stopGraceMs()).plus(TimingContract.AGENT_STOP_DRAIN).plus(TimingContract.HEAL_TIME));
    assertThat(TimingContract.violations(s.heartbeat(), s.agentSilence(), s.abortWait(), Duration.ofMillis(s.stopGraceMs()))).isEmpty();
  }

  @Test
  void theDefaultsKeepTheContract() {
    keepsTheContract(RunSettings.DEFAULTS);
    keepsTheContract(RunSettings.MULTI_HOST_DEFAULTS);
  }

  @Test
  void theDeadManSwitchIsTheAgentsOwn() {
    assertThat(TimingContract.DEAD_MAN).isEqualTo(Agent.DEAD_MAN);
  }

  @Test
  void aHeartbeatAsSlowAsTheDeadManSwitchIsRefused() {
    assertThat(TimingContract.violations(Agent.DEAD_MAN, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(10)))
        .singleElement().asString().contains("heartbeat interval (PT5S) must be shorter than the agent's dead-man switch (PT5S)");
  }

  @Test
  void anAgentSilenceWithinTheDeadManSwitchIsRefused() {
    assertThat(TimingContract.violations(Duration.ofSeconds(1), Duration.ofSeconds(4), Duration.ofSeconds(60), Duration.ofSeconds(10)))
        .singleElement().asString().contains("agent-silence abort (PT4S) must be longer than the agent's dead-man switch");
  }

  @Test
  void anAbortWaitShorterThanTheAgentsStopIsRefused() {
    assertThat(TimingContract.violations(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(10)))
        .singleElement().asString().contains("abort wait (PT20S) must be longer than the agent's stop: grace PT10S + drain PT15S + heal PT5S");
    assertThat(TimingContract.abortWait(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(31));
  }

  @Test
  void runSettingsThatBreakTheContractCannotBeBuilt() {
    var d = RunSettings.DEFAULTS;
    assertThatThrownBy(() -> new RunSettings(d.armLead(), d.containersTimeout(), d.helloTimeout(), d.endGrace(), Duration.ofSeconds(20),
        d.agentSilence(), d.removeTimeout(), d.heartbeat(), d.statsIntervalMs(), d.stopGraceMs()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timing contract").hasMessageContaining("abort wait (PT20S)");
  }
}

package dev.reprise.master.remote;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which socket of the manager's engine the SSH forward reaches. */
class MultiHostSetupTest {
  @Test
  void aUnixDockerHostOnTheHostNamesTheSocket() {
    assertThat(MultiHostSetup.socketOf("unix:///run/rpr-tb/n1/docker.sock")).isEqualTo("/run/rpr-tb/n1/docker.sock");
  }

  @Test
  void unsetOrNonUnixDockerHostFallsBackToTheDefaultSocket() {
    assertThat(MultiHostSetup.socketOf("")).isEqualTo("/var/run/docker.sock");
    assertThat(MultiHostSetup.socketOf("tcp://10.0.0.1:2375")).isEqualTo("/var/run/docker.sock");
    assertThat(MultiHostSetup.socketOf("unix://")).isEqualTo("/var/run/docker.sock");
  }
}

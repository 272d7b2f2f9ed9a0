package dev.reprise.master.hosts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostsFileParserTest {
  @TempDir Path dir;

  private HostsFile parse(String yaml) throws HostsFileException {
    return new HostsFileParser(dir.resolve("home")).parse(dir.resolve("hosts.yaml"), new StringReader(yaml));
  }

  private HostsFileException problems(String yaml) {
    try {
      parse(yaml);
    } catch (HostsFileException e) {
      return e;
    }
    throw new AssertionError("expected problems in:\n" + yaml);
  }

  private Path key() throws IOException {
    return Files.writeString(dir.resolve("id_ed25519"), "not read by the parser\n");
  }

  @Test
  void fullHostsFileWithDefaults() throws Exception {
    key();
    var hosts = parse("""
        known_hosts: kh
        ntp_server: 10.0.0.1
        hosts:
          - name: db1
            address: 10.0.0.11
            port: 2222
            user: root
            private_key: id_ed25519
            work_dir: /srv/reprise
          - address: 10.0.0.12
            user: ops
            private_key: id_ed25519
        """);
    assertThat(hosts.knownHosts()).isEqualTo(dir.resolve("kh"));
    assertThat(hosts.ntpServer()).isEqualTo("10.0.0.1");
    assertThat(hosts.manager().name()).isEqualTo("db1");
    assertThat(hosts.manager().port()).isEqualTo(2222);
    assertThat(hosts.manager().workDir()).isEqualTo("/srv/reprise");
    var second = hosts.hosts().get(1);
    assertThat(second.name()).as("name defaults to the address").isEqualTo("10.0.0.12");
    assertThat(second.port()).isEqualTo(22);
    assertThat(second.privateKey()).isEqualTo(dir.resolve("id_ed25519"));
    assertThat(second.workDir()).isEqualTo(HostSpec.DEFAULT_WORK_DIR);
  }

  @Test
  void knownHostsDefaultsToTheUsersSshFolderAndTildeIsHome() throws Exception {
    Files.createDirectories(dir.resolve("home/.ssh"));
    Files.writeString(dir.resolve("home/.ssh/id_rsa"), "x");
    var hosts = parse("""
        hosts:
          - {address: h1, user: root, private_key: ~/.ssh/id_rsa}
        """);
    assertThat(hosts.knownHosts()).isEqualTo(dir.resolve("home/.ssh/known_hosts"));
    assertThat(hosts.manager().privateKey()).isEqualTo(dir.resolve("home/.ssh/id_rsa"));
  }

  @Test
  void everyProblemAtOnceWithFileLineAndColumn() throws Exception {
    key();
    var e = problems("""
        hosts:
          - address: h1
            usr: root
            private_key: id_ed25519
          - address: h2
            user: root
            port: 99999
            private_key: id_ed25519
        """);
    String f = dir.resolve("hosts.yaml").toString();
    assertThat(e.problems()).containsExactly(
        f + ":3:5: hosts[0].usr: unknown key (did you mean 'user'?) (expected one of name, address, port, user, private_key, password, work_dir)",
        f + ":7:11: hosts[1].port: must be a port number 1..65535, not '99999'");
  }

  @Test
  void unknownTopLevelKeyIsNamedWithASuggestion() {
    var e = problems("""
        host:
          - {address: h1, user: root, password: x}
        """);
    assertThat(e.problems()).singleElement().asString()
        .endsWith(":1:1: unknown key 'host' (did you mean 'hosts'?) (expected one of hosts, known_hosts, ntp_server)");
  }

  @Test
  void missingAddressUserAndCredentials() {
    var e = problems("""
        hosts:
          - name: a
        """);
    assertThat(e.problems()).containsExactly(
        dir.resolve("hosts.yaml") + ":2:5: hosts[0].address: missing",
        dir.resolve("hosts.yaml") + ":2:5: hosts[0].user: missing",
        dir.resolve("hosts.yaml") + ":2:5: hosts[0]: give private_key (or password, discouraged)");
  }

  @Test
  void unreadableKeyIsNamed() {
    var e = problems("""
        hosts:
          - {address: h1, user: root, private_key: nope}
        """);
    assertThat(e.problems()).singleElement().asString().endsWith(":2:44: hosts[0].private_key: cannot read " + dir.resolve("nope"));
  }

  @Test
  void duplicateNamesAreRefused() throws Exception {
    key();
    var e = problems("""
        hosts:
          - {name: a, address: h1, user: root, private_key: id_ed25519}
          - {name: a, address: h2, user: root, private_key: id_ed25519}
        """);
    assertThat(e.problems()).singleElement().asString().contains("hosts[1].name: 'a' names two hosts");
  }

  @Test
  void emptyHostsAndBadYaml() {
    assertThat(problems("hosts: []\n").problems()).singleElement().asString().endsWith(":1:8: hosts: empty; list at least one host");
    assertThat(problems("hosts: [\n").problems()).singleElement().asString().contains("not valid YAML");
    assertThat(problems("- a\n").problems()).singleElement().asString().endsWith(":1:1: a hosts file is a mapping with a 'hosts' list");
  }

  @Test
  void relativeWorkDirIsRefused() throws Exception {
    key();
    var e = problems("""
        hosts:
          - {address: h1, user: root, private_key: id_ed25519, work_dir: tmp/x}
        """);
    assertThat(e.problems()).singleElement().asString().contains("hosts[0].work_dir: must be an absolute path on that host, not 'tmp/x'");
  }

  @Test
  void passwordIsNeverPrinted() throws Exception {
    key();
    var hosts = parse("""
        hosts:
          - {address: h1, user: root, password: hunter2secret}
        """);
    assertThat(hosts.manager().password().reveal()).isEqualTo("hunter2secret");
    assertThat(hosts.toString()).doesNotContain("hunter2secret").contains("****");
    assertThat(hosts.manager().toString()).doesNotContain("hunter2secret");
    var both = problems("""
        hosts:
          - {address: h1, user: root, password: hunter2secret, private_key: id_ed25519}
          - {address: h2, user: root, password: [hunter2secret]}
        """);
    assertThat(both.problems()).hasSize(2);
    assertThat(String.join("\n", both.problems())).doesNotContain("hunter2secret").contains("not both")
        .contains("hosts[1].password: must be a non-empty string");
  }
}

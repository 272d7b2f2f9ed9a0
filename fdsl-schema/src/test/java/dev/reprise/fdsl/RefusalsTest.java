package dev.reprise.fdsl;

import static dev.reprise.fdsl.ScenarioParserTest.problems;
import static dev.reprise.fdsl.ScenarioParserTest.withEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.fdsl.model.CpuFault;
import dev.reprise.fdsl.parse.ParseContext;
import dev.reprise.fdsl.plan.Planner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that are wrong are refused with every problem at its position, never with an exception. */
class RefusalsTest {
  @TempDir Path dir;

  static final String COMPOSE = "services:\n  web:\n    image: x\n";

  // 1. tags

  @Test void aTagInTheScenarioIsRefusedAtTheTag() {
    assertThat(problems("events:\n  - beginning: !!set {web: 1}\n  - end: 5\n"))
        .containsExactly("2:16: YAML tags are not supported: '!!set' (remove it; write the value plainly, quoted if it must stay text)");
    assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment: {time: 1, mark: !!binary aGVsbG8=}\n  - end: 5\n"))
        .containsExactly("3:29: YAML tags are not supported: '!!binary' (remove it; write the value plainly, quoted if it must stay text)");
  }

  @Test void aTagInTheComposeFileIsRefusedAtTheTag() {
    var result = ComposeFile.parse(Path.of("c.yml"), "services:\n  web:\n    image: !foo x\n    deploy: {replicas: !!int abc}\n");
    assertThat(result.problems()).extracting(p -> p.pos().line() + ":" + p.pos().column() + ": " + p.message()).containsExactly(
        "3:12: YAML tags are not supported: '!foo' (remove it; write the value plainly, quoted if it must stay text)",
        "4:24: YAML tags are not supported: '!!int' (remove it; write the value plainly, quoted if it must stay text)");
  }

  // 2. files

  @Test void aDirectoryIsRefusedBeforeReading() throws Exception {
    Path d = Files.createDirectory(dir.resolve("s.yaml"));
    assertThat(diagnostics(d)).containsExactly(d + ":1:1: the scenario is a directory, not a file");
  }

  @Test void aDeviceIsRefusedBeforeReading() throws Exception {
    Path zero = Path.of("/dev/zero");
    if (!Files.exists(zero)) return;
    assertThat(diagnostics(zero)).containsExactly("/dev/zero:1:1: the scenario is not a regular file (a device, FIFO or socket); name a file");
  }

  @Test void aFifoIsRefusedWithoutOpeningIt() throws Exception {
    Path fifo = dir.resolve("s.yaml");
    int rc;
    try {
      rc = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
    } catch (IOException noMkfifo) {
      return;
    }
    if (rc != 0) return;
    assertThat(diagnostics(fifo)).containsExactly(fifo + ":1:1: the scenario is not a regular file (a device, FIFO or socket); name a file");
  }

  @Test void aFileOverTheLimitIsRefusedBeforeReading() throws Exception {
    Path big = dir.resolve("big.yaml");
    try (var f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(65L * 1024 * 1024); // sparse: nothing is written
    }
    assertThat(diagnostics(big)).containsExactly(big + ":1:1: the scenario is 65 MiB; the limit is 64 MiB");
  }

  @Test void aScenarioOverTheYamlLibrarysOwnDefaultIsRead() throws Exception {
    var sb = new StringBuilder("events:\n  - beginning: {web: 1}\n");
    for (int i = 0; sb.length() < 4 * 1024 * 1024; i++) sb.append("  - moment: {time: 1, mark: \"mark number ").append(i).append("\"}\n");
    sb.append("  - end: 5\n");
    var result = ScenarioParser.parse(sb.toString(), ParseContext.textOnly());
    assertThat(result.problems()).isEmpty();
  }

  @Test void manyContainersAndMomentsAreRefusedAtTheLimitNotByRunningOutOfMemory() {
    assertThat(problems("events:\n  - beginning: {web: 100000}\n  - end: 5\n"))
        .containsExactly("2:22: events[0].beginning.web: 100000 is out of range: must be between 0 and 10000");
    var sb = new StringBuilder("events:\n  - beginning: {web: 10000}\n");
    for (int i = 0; i < 20_000; i++) sb.append("  - moment: {time: 1, mark: m}\n");
    sb.append("  - end: 5\n");
    var scenario = ScenarioParser.parse(sb.toString(), ParseContext.textOnly()).scenario().orElseThrow();
    assertThat(Planner.plan(scenario, 1).problems()).extracting(p -> p.pos().line() + ":" + p.pos().column() + ": " + p.message())
        .containsExactly("1002:5: events: the plan's alive sets would hold more than 10000000 container IDs by the moment at 1s"
            + " (the containers alive at the beginning and after each of the 1000 moments so far); use fewer containers or fewer moments");
  }

  @Test void aBeginningBeyondThePlansLimitIsRefusedBeforeAnyIdIsMade() {
    var sb = new StringBuilder("events:\n  - beginning:\n");
    for (int i = 0; i < 1001; i++) sb.append("      s").append(i).append(": 10000\n");
    sb.append("  - end: 5\n");
    var scenario = ScenarioParser.parse(sb.toString(), ParseContext.textOnly()).scenario().orElseThrow();
    assertThat(Planner.plan(scenario, 1).problems()).extracting(p -> p.pos().line() + ":" + p.pos().column() + ": " + p.message())
        .containsExactly("1003:7: events.beginning: 10010000 containers in all; the plan's alive sets hold at most 10000000 container IDs");
  }

  @Test void startsBeyondTheContainerLimitAreRefusedAtTheTarget() {
    var scenario = ScenarioParser.parse(withEvents("- start: {percentage: 10000}\n- start: {amount: 9600}"),
        ParseContext.textOnly()).scenario().orElseThrow();
    assertThat(Planner.plan(scenario, 1).problems()).extracting(p -> p.pos().line() + ":" + p.pos().column() + ": " + p.message())
        .containsExactly("9:29: events[1].moment.services.web[1].start.amount: starting 9600 would make 10105 containers of 'web'"
            + " alive at 10s; the limit is 10000 per service");
  }

  // 3. numbers

  @Test void aHugeStartPercentageIsRefusedAtItsLine() {
    assertThat(problems(withEvents("- start: {percentage: 2147483647}")))
        .containsExactly("8:33: events[1].moment.services.web[0].start.percentage: 2147483647 is out of range: must be between 0 and 10000");
  }

  @Test void timesBeyondThirtyDaysAreRefused() {
    assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment: {time: 1.0e+300, mark: m}\n  - end: 5\n"))
        .containsExactly("3:20: events[1].moment.time: 1.0e+300 seconds is more than 720h (30 days), the longest time a scenario may name");
    assertThat(problems("events:\n  - beginning: {web: 1}\n  - end: 721h\n"))
        .containsExactly("3:10: events[1].end: 721h is more than 720h (30 days), the longest time a scenario may name");
    assertThat(problems(withEvents("- fault: {target: {amount: 1}, network: {duration: 10s, delay: 1e300}}")))
        .containsExactly("8:74: events[1].moment.services.web[0].fault.network.delay: 1e300 seconds is more than 720h (30 days),"
            + " the longest time a scenario may name");
  }

  @Test void sizesBeyondOnePebibyteAreRefused() {
    assertThat(problems(withEvents("- fault: {target: {amount: 1}, memory: {duration: 10s, size: 2PiB}}")))
        .singleElement().asString().contains("memory.size");
    assertThat(problems(withEvents("- fault: {target: {amount: 1}, memory: {duration: 10s, size: 2048TiB}}")))
        .containsExactly("8:72: events[1].moment.services.web[0].fault.memory.size: 2048TiB is more than 1PiB, the largest size a scenario may name");
  }

  @Test void nanAndInfinityAreNotNumbers() {
    assertThat(problems("events:\n  - beginning: {web: 1}\n  - end: .nan\n"))
        .containsExactly("3:10: events[1].end: expected seconds (10, 1.5) or a duration (90s, 1m30s, 250ms), got '.nan'");
    assertThat(problems("events:\n  - beginning: {web: 1}\n  - end: .inf\n"))
        .containsExactly("3:10: events[1].end: expected seconds (10, 1.5) or a duration (90s, 1m30s, 250ms), got '.inf'");
    assertThat(problems("events:\n  - beginning: {web: 1}\n  - end: NaN\n"))
        .containsExactly("3:10: events[1].end: expected seconds (10, 1.5) or a duration (90s, 1m30s, 250ms), got 'NaN'");
    assertThat(problems(withEvents("- fault: {target: {amount: 1}, cpu: {duration: .nan}}")))
        .containsExactly("8:58: events[1].moment.services.web[0].fault.cpu.duration: expected seconds (10, 1.5) or a duration"
            + " (90s, 1m30s, 250ms), got '.nan'");
  }

  // 4. signals, ntp_server

  @Test void sigkillThatDoesNotKillIsRefused() {
    assertThat(problems(withEvents("- fault: {target: {amount: 1}, signal: {signal: SIGKILL, kills_container: no}}")))
        .containsExactly("8:85: events[1].moment.services.web[0].fault.signal.kills_container: SIGKILL always ends the container;"
            + " write kills_container: yes (or use the kill fault)");
  }

  @Test void sigstopAndSigcontPointToPause() {
    assertThat(problems(withEvents("- fault: {target: {amount: 1}, signal: {signal: SIGSTOP, kills_container: no}}")))
        .containsExactly("8:59: events[1].moment.services.web[0].fault.signal.signal: SIGSTOP freezes the container until a SIGCONT"
            + " that no fault sends; use the pause fault to freeze the containers for a while (pause: 10s)");
    assertThat(problems(withEvents("- fault: {target: {amount: 1}, signal: {signal: cont, kills_container: no}}")))
        .containsExactly("8:59: events[1].moment.services.web[0].fault.signal.signal: SIGCONT only resumes a frozen container;"
            + " use the pause fault to freeze the containers for a while (pause: 10s)");
  }

  @Test void ntpServerMustBeAHostNameOrAddress() {
    for (String bad : List.of("bad_host!", ".nan", "-1", "1.2.3.999", "a..b", "::g", "ntp:0", "ntp:70000", "ntp:", "[::1]:x")) {
      assertThat(problems("environment:\n  ntp_server: \"" + bad + "\"\nevents:\n  - beginning: {web: 1}\n  - end: 5\n"))
          .containsExactly("2:15: environment.ntp_server: '" + bad + "' is not a host name or IP address, with an optional port"
              + " (write e.g. pool.ntp.org, 10.0.0.1 or 10.0.0.1:123)");
    }
    for (String number : List.of(".nan", "-1")) { // YAML numbers, not text
      assertThat(problems("environment:\n  ntp_server: " + number + "\nevents:\n  - beginning: {web: 1}\n  - end: 5\n"))
          .singleElement().asString().startsWith("2:15: environment.ntp_server: ");
    }
    for (String good : List.of("pool.ntp.org", "10.0.0.1", "ntp", "::1", "fe80::1", "time-1.example.com.", "127.0.0.1:1",
        "ntp:123", "[::1]:123")) {
      assertThat(problems("environment:\n  ntp_server: \"" + good + "\"\nevents:\n  - beginning: {web: 1}\n  - end: 5\n")).isEmpty();
    }
  }

  // 5. merge keys

  @Test void aMergeKeyAppliesItsMapping() {
    var s = ScenarioParserTest.valid("""
        events:
          - beginning: &b {web: 2}
          - moment:
              time: 1
              services:
                web:
                  - fault: &f
                      target: {amount: 1}
                      cpu: {duration: 10s}
                  - fault:
                      <<: *f
                      target: {amount: 2}
          - end: 20
        """);
    var second = (dev.reprise.fdsl.model.ServiceEvent.Fault) s.moments().get(0).services().get(0).events().get(1);
    assertThat(second.fault()).isEqualTo(new CpuFault(10_000, 1));
    assertThat(second.target()).isInstanceOfSatisfying(dev.reprise.fdsl.model.Target.Amount.class, a -> assertThat(a.amount()).isEqualTo(2));
  }

  @Test void aMergeKeyOfNoMappingIsAProblemNotAnException() {
    assertThat(problems(withEvents("- fault: {<<: 5, target: {amount: 1}, kill: }")))
        .containsExactly("8:25: YAML merge key '<<' takes a mapping, an alias of one (<<: *defaults) or a list of them");
  }

  // 6. unclosed quotes

  @Test void anUnclosedQuoteIsReportedWhereItOpens() {
    assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment: {time: 1, mark: \"never closed}\n  - end: 5\n"))
        .containsExactly("3:29: YAML syntax error: this quoted text is never closed (found unexpected end of stream at line 5,"
            + " column 1); close the quote");
  }

  // 6b. SnakeYAML's own limits (thrown without a position): at the node that crosses them

  @Test void aCollectionNestedTooDeepIsReportedAtIt() {
    // SnakeYAML refuses the node it enters with 51 collections open above it: here the 48th list (the
    // document, events, the moment item and its mapping are four), at column 20 + 47 = 67 of line 3
    String deep = "[".repeat(51) + "]".repeat(51);
    assertThat(problems("events:\n  - beginning: {web: 1}\n  - moment: {mark: " + deep + "}\n  - end: 5\n"))
        .containsExactly("3:67: YAML nesting too deep: this collection is nested more than 50 levels deep, the most a file"
            + " may nest (Nesting Depth exceeded max 50)");
  }

  @Test void tooManyAliasesOfCollectionsAreReportedAtTheAliasThatCrossesTheLimit() {
    var sb = new StringBuilder("x: &a [1]\nevents:\n  - beginning: {web: 1}\n  - moment:\n      mark:\n");
    for (int i = 0; i < 51; i++) sb.append("        - *a\n");
    sb.append("  - end: 5\n");
    // the 51st alias, on line 5 + 51 = 56, column 11
    assertThat(problems(sb.toString())).containsExactly("56:11: YAML alias: more than 50 aliases of lists or mappings in one"
        + " file, the most a file may hold (Number of aliases for non-scalar nodes exceeds the specified max=50); write the"
        + " values out or repeat less");
  }

  @Test void theComposeFilesNestingLimitIsReportedAtItsPosition() {
    String deep = "[".repeat(51) + "]".repeat(51);
    var result = ComposeFile.parse(Path.of("c.yml"), "services:\n  web:\n    command: " + deep + "\n");
    // three mappings open above the lists: the 49th list, at column 14 + 48 = 62
    assertThat(result.problems()).extracting(p -> p.pos().line() + ":" + p.pos().column()).containsExactly("3:62");
  }

  // 7. file names

  @Test void controlCharactersInFileNamesAreEscaped() {
    assertThat(new Diagnostic(Path.of("a\nb.yaml:1:1: forged"), 2, 3, "m").toString()).isEqualTo("a\\nb.yaml:1:1: forged:2:3: m");
    assertThat(new Diagnostic(Path.of("a\u001bb"), 1, 1, "m").toString()).isEqualTo("a\\u001bb:1:1: m");
    assertThat(new Diagnostic(Path.of("s.yaml"), 1, 1, "unknown key 'a\nb.yaml:9:9: x' C:\\dir").toString())
        .isEqualTo("s.yaml:1:1: unknown key 'a\\nb.yaml:9:9: x' C:\\dir");
  }

  private List<String> diagnostics(Path scenario) throws IOException {
    Files.writeString(dir.resolve("docker-compose.yml"), COMPOSE);
    var out = new ArrayList<String>();
    assertThatThrownBy(() -> ScenarioLoader.load(scenario, dir.resolve("docker-compose.yml")))
        .isInstanceOfSatisfying(ScenarioException.class, e -> e.diagnostics().forEach(d -> out.add(d.toString())));
    return out;
  }
}

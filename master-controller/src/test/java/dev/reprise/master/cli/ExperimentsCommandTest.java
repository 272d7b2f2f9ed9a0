package dev.reprise.master.cli;

import static dev.reprise.master.cli.ExperimentCliFixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.master.cli.ExperimentCliFixtures.FakePort;
import dev.reprise.master.cli.ExperimentCliFixtures.Result;
import dev.reprise.master.experiments.ChaosAction;
import dev.reprise.master.experiments.ExperimentState;
import dev.reprise.master.experiments.ExperimentStore;
import dev.reprise.master.experiments.LocalExperiments;
import dev.reprise.master.http.ControlPlane;
import dev.reprise.time.ManualTime;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code master experiments list|status|rollback}: its arguments, a server (a real
 * {@link ControlPlane} over a fake port) and the local state folder without one.
 */
class ExperimentsCommandTest {
  @TempDir Path dir;
  final FakePort port = new FakePort();
  final Map<String, String> env = new HashMap<>();
  final ManualTime time = new ManualTime(ExperimentCliFixtures.T0.plusSeconds(10));
  ControlPlane server;

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  Result experiments(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var c = new ExperimentsCommand(ExperimentCliFixtures.stream(out), ExperimentCliFixtures.stream(err));
    c.env = env::get;
    c.time = time;
    return ExperimentCliFixtures.run(c, out, err, args);
  }

  void serve() throws Exception {
    server = ExperimentCliFixtures.server(port, dir.resolve("server-runs"));
    env.put("REPRISE_SERVER", server.uri().toString());
    env.put("REPRISE_TOKEN_FILE", Files.writeString(dir.resolve("token"), TOKEN).toString());
  }

  void known(String id, ExperimentState state) {
    port.byId.put(id, FakePort.status(id, "shop_web", ChaosAction.KILL, state, 60, null));
  }

  // ------------------------------------------------------------------ arguments

  @Test
  void anUnknownVerbIsExitTwo() {
    var r = experiments("show");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: expected list, status ID or rollback ID, not 'show'\n");
  }

  @Test
  void statusAndRollbackNeedAnId() {
    assertThat(experiments("status").err()).isEqualTo("error: status needs an experiment ID\n");
    assertThat(experiments("rollback").exit()).isEqualTo(2);
  }

  @Test
  void listTakesNoId() {
    var r = experiments("list", "x");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("list takes no ID");
  }

  // ------------------------------------------------------------------ with a server

  @Test
  void listAsksTheServerAndPrintsALinePerExperiment() throws Exception {
    serve();
    known("a", ExperimentState.ROLLED_BACK);
    known("b", ExperimentState.RUNNING);
    var r = experiments("list");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(port.calls).containsExactly("list");
    assertThat(r.out().lines().toList()).hasSize(2);
    assertThat(r.out().lines().toList().get(0)).startsWith("inject: b RUNNING (KILL on shop_web");
    assertThat(r.out().lines().toList().get(1)).startsWith("inject: a ROLLED_BACK (KILL on shop_web");
  }

  @Test
  void statusAsksTheServerAndPrintsTheJson() throws Exception {
    serve();
    known("a", ExperimentState.RUNNING);
    var r = experiments("status", "a");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(port.calls).containsExactly("status a");
    assertThat(r.out()).contains("\"status\" : \"RUNNING\"").contains("\"experimentId\" : \"a\"");
  }

  @Test
  void anUnknownExperimentIs404AndExitTwo() throws Exception {
    serve();
    var r = experiments("status", "nope");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: no experiment 'nope' (HTTP 404)\n");
  }

  @Test
  void anIdWithCharactersAUrlCannotCarryStillGetsItsAnswer() throws Exception {
    serve();
    var r = experiments("status", "a b/c");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("HTTP 404");
    assertThat(r.clean()).as(r.err()).isTrue();
  }

  @Test
  void rollbackDeletesOnTheServer() throws Exception {
    serve();
    known("a", ExperimentState.RUNNING);
    var r = experiments("rollback", "a");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(port.calls).containsExactly("rollback a");
    assertThat(r.out()).contains("\"status\" : \"ROLLED_BACK\"");
  }

  @Test
  void theServerOptionWinsOverTheEnvironment() throws Exception {
    serve();
    env.put("REPRISE_SERVER", "http://127.0.0.1:1");
    var r = experiments("list", "--server", server.uri().toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(port.calls).containsExactly("list");
  }

  @Test
  void withoutTheTokenIs401() throws Exception {
    serve();
    env.remove("REPRISE_TOKEN_FILE");
    var r = experiments("list");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("HTTP 401").contains("--token-file");
    assertThat(port.calls).isEmpty();
  }

  @Test
  void anUnreachableServerIsExitThree() {
    var r = experiments("list", "--server", "http://127.0.0.1:1");
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).startsWith("error: cannot reach http://127.0.0.1:1");
  }

  // ------------------------------------------------------------------ the local state folder

  void stored(String id, ExperimentState state, long pid) throws Exception {
    var store = new ExperimentStore(dir.resolve("runs/experiments"), 500);
    var s = FakePort.status(id, "shop_web", ChaosAction.PAUSE, state, 60, null);
    store.update(m -> {
      m.put(id, new ExperimentStore.Entry(s, pid, dir.resolve("runs/exp-" + id).toString()));
      return m;
    });
  }

  @Test
  void withoutAServerListAndStatusReadTheStateFolder() throws Exception {
    long owner = ProcessHandle.current().parent().orElseThrow().pid(); // alive, and not this process (whose own are its to mark)
    stored("old", ExperimentState.ROLLED_BACK, owner);
    stored("now", ExperimentState.RUNNING, owner);
    var r = experiments("list", "--out", dir.resolve("runs").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).hasSize(2).allMatch(l -> l.startsWith("inject: "));
    var s = experiments("status", "now", "--out", dir.resolve("runs").toString());
    assertThat(s.exit()).as(s.err()).isZero();
    assertThat(s.out()).contains("\"status\" : \"RUNNING\"").contains("\"elapsedSeconds\" : 10").contains("\"remainingSeconds\" : 50");
  }

  @Test
  void anExperimentWhoseInjectIsGoneIsShownAborted() throws Exception {
    var gone = new ProcessBuilder("true").start();
    gone.waitFor();
    stored("orphan", ExperimentState.RUNNING, gone.pid());
    var r = experiments("status", "orphan", "--state-dir", dir.resolve("runs/experiments").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"status\" : \"ABORTED\"").contains(LocalExperiments.STOPPED_MESSAGE);
  }

  @Test
  void rollingBackAnEndedExperimentLocallyShowsItAsItIs() throws Exception {
    stored("done", ExperimentState.ROLLED_BACK, ProcessHandle.current().pid());
    var r = experiments("rollback", "done", "--out", dir.resolve("runs").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("\"status\" : \"ROLLED_BACK\"");
  }

  @Test
  void rollingBackLocallyTerminatesTheOwningInjectAndWaitsForTheHeal() throws Exception {
    // the owner: a process that, when terminated, is "healed" by this test as the inject's hook would
    Process owner = new ProcessBuilder("sleep", "600").start();
    try {
      stored("mine", ExperimentState.RUNNING, owner.pid());
      owner.onExit().thenRun(() -> {
        try {
          stored("mine", ExperimentState.ROLLED_BACK, owner.pid());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      var out = new ByteArrayOutputStream();
      var err = new ByteArrayOutputStream();
      var c = new ExperimentsCommand(ExperimentCliFixtures.stream(out), ExperimentCliFixtures.stream(err));
      c.env = env::get;
      c.time = dev.reprise.time.SystemTime.INSTANCE; // the owner ends on its own thread: a real wait
      var r = ExperimentCliFixtures.run(c, out, err, "rollback", "mine", "--out", dir.resolve("runs").toString());
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).contains("\"status\" : \"ROLLED_BACK\"");
      assertThat(owner.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(owner.exitValue()).as("ended by SIGTERM").isEqualTo(128 + 15);
    } finally {
      owner.destroyForcibly();
    }
  }

  @Test
  void anUnknownExperimentLocallyIsExitTwo() {
    var r = experiments("status", "nope", "--out", dir.resolve("runs").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: no experiment 'nope' in ");
  }
}

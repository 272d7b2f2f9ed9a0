package dev.reprise.master.cli;

import static dev.reprise.master.cli.ExperimentCliFixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.master.cli.ExperimentCliFixtures.FakePort;
import dev.reprise.master.cli.ExperimentCliFixtures.PlayingRunner;
import dev.reprise.master.cli.ExperimentCliFixtures.Result;
import dev.reprise.master.experiments.ExperimentException;
import dev.reprise.master.experiments.FieldError;
import dev.reprise.master.experiments.LocalExperiments;
import dev.reprise.master.http.ControlPlane;
import dev.reprise.master.run.Outcome;
import dev.reprise.time.ManualTime;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code master inject}: its arguments (every problem at once, exit 2, no stack trace), a server
 * (a real {@link ControlPlane} on loopback over a fake port: the request and token it gets, each
 * refusal as one line and its exit code) and the local engine ({@link LocalExperiments} over fakes on
 * a manual clock, chosen when no server is configured).
 */
class InjectCommandTest {
  @TempDir Path dir;
  final FakePort port = new FakePort();
  final Map<String, String> env = new java.util.HashMap<>();
  final List<String> localOpens = new ArrayList<>();
  final ManualTime time = new ManualTime(ExperimentCliFixtures.T0);
  PlayingRunner runner;
  ControlPlane server;

  @AfterEach
  void stop() {
    if (server != null) server.close();
  }

  InjectCommand command(ByteArrayOutputStream out, ByteArrayOutputStream err) {
    var c = new InjectCommand(ExperimentCliFixtures.stream(out), ExperimentCliFixtures.stream(err));
    c.env = env::get;
    c.time = time;
    runner = new PlayingRunner(time, dir.resolve("runs"));
    c.localEngine = (state, outDir, hosts) -> {
      localOpens.add("open state=" + relative(state) + " out=" + relative(outDir) + " hosts=" + hosts.map(Path::toString).orElse("-"));
      return ExperimentCliFixtures.localOverFakes(time, runner, state);
    };
    return c;
  }

  String relative(Path p) {
    return p.isAbsolute() ? dir.relativize(p).toString() : p.toString();
  }

  Result inject(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    return ExperimentCliFixtures.run(command(out, err), out, err, args);
  }

  String serverUrl() throws Exception {
    server = ExperimentCliFixtures.server(port, dir.resolve("server-runs"));
    return server.uri().toString();
  }

  Path tokenFile() throws Exception {
    return Files.writeString(dir.resolve("token"), TOKEN + "\n");
  }

  // ------------------------------------------------------------------ arguments

  @Test
  void anUnknownActionIsRefusedWithTheValidOnes() {
    var r = inject("shop_web", "EXPLODE", "--duration", "10s");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("error: ACTION 'EXPLODE': unknown; one of NETWORK_PARTITION").contains("KILL").contains("PAUSE");
    assertThat(r.clean()).as(r.err()).isTrue();
    assertThat(localOpens).isEmpty();
  }

  @Test
  void theActionMayBeLowerCaseWithDashes() throws Exception {
    var r = inject("shop_web", "cpu-spike", "--duration", "1m", "--id", "c1", "--server", serverUrl(), "--token-file", tokenFile().toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(port.calls).contains("inject c1 shop_web CPU_SPIKE 60s {} SafetyThreshold[maxErrorRatePct=null, maxP99LatencyMs=null, windowSeconds=null]");
  }

  @Test
  void aDurationThatIsNotOneIsRefused() {
    for (String bad : List.of("10x", "soon", "500ms", "0", "-5s")) {
      var r = inject("shop_web", "KILL", "--duration", bad);
      assertThat(r.exit()).as(bad).isEqualTo(2);
      assertThat(r.err()).as(bad).startsWith("error: --duration " + bad + ": ");
      assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
      assertThat(r.clean()).as(r.err()).isTrue();
    }
  }

  @Test
  void durationsInSecondsMinutesAndHours() {
    assertThat(InjectCommand.seconds("60s", "--duration")).isEqualTo(60);
    assertThat(InjectCommand.seconds("5m", "--duration")).isEqualTo(300);
    assertThat(InjectCommand.seconds("1h", "--duration")).isEqualTo(3600);
    assertThat(InjectCommand.seconds(" 90 ", "--duration")).isEqualTo(90);
  }

  @Test
  void aMissingDurationIsPicocliSExitTwo() {
    var r = inject("shop_web", "KILL");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--duration");
    assertThat(r.clean()).as(r.err()).isTrue();
  }

  @Test
  void aParamWithoutEqualsIsRefused() {
    var r = inject("shop_web", "NETWORK_DELAY", "--duration", "10s", "--param", "latencyMs");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("error: --param latencyMs: expected KEY=VALUE");
  }

  @Test
  void everyArgumentProblemAtOnce() {
    var r = inject("shop_web", "BOOM", "--duration", "later", "--param", "=3", "--count", "2", "--percent", "50",
        "--max-error-rate", "lots", "--max-p99", "fastms");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().lines().toList()).hasSize(6).allMatch(l -> l.startsWith("error: "));
    assertThat(r.err()).contains("ACTION 'BOOM'").contains("--param =3").contains("--count and --percent")
        .contains("--duration later").contains("--max-error-rate lots").contains("--max-p99 fastms");
    assertThat(r.clean()).as(r.err()).isTrue();
  }

  @Test
  void targetCountGoesThroughCountNotParam() {
    var r = inject("shop_web", "KILL", "--duration", "10s", "--param", "targetCount=2");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("error: --param targetCount: use --count 2");
  }

  @Test
  void aParameterTheActionDoesNotTakeIsNamedAsTheCliNamesIt() {
    var r = inject("shop_web", "KILL", "--duration", "10s", "--param", "latencyMs=100");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("error: --param latencyMs: is not a parameter of KILL");
    assertThat(r.clean()).as(r.err()).isTrue();
  }

  @Test
  void aBadParameterValueIsRefusedLocally() {
    var r = inject("shop_web", "NETWORK_DELAY", "--duration", "10s", "--param", "latencyMs=fast", "--param", "jitterMs=-1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("error: --param latencyMs: must be a number").contains("error: --param jitterMs: must be in");
    assertThat(r.clean()).as(r.err()).isTrue();
  }

  // ------------------------------------------------------------------ with a server

  @Test
  void theRequestAndTheTokenReachTheServer() throws Exception {
    var r = inject("shop/web", "NETWORK_DELAY", "--duration", "90s", "--id", "d1", "--param", "latencyMs=100", "--count", "2",
        "--max-error-rate", "5%", "--max-p99", "500ms", "--server", serverUrl(), "--token-file", tokenFile().toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(port.calls).containsExactly("inject d1 shop/web NETWORK_DELAY 90s {latencyMs=100, targetCount=2} "
        + "SafetyThreshold[maxErrorRatePct=5.0, maxP99LatencyMs=500.0, windowSeconds=null]");
    assertThat(r.out()).contains("\"status\":\"INJECTED\"").contains("\"experimentId\":\"d1\"");
    assertThat(r.err()).startsWith("inject: d1 INJECTED (NETWORK_DELAY on shop/web");
    assertThat(localOpens).isEmpty();
  }

  @Test
  void theServerAndTokenComeFromTheEnvironment() throws Exception {
    env.put("REPRISE_SERVER", serverUrl());
    env.put("REPRISE_TOKEN_FILE", tokenFile().toString());
    var r = inject("shop_web", "PAUSE", "--duration", "30s", "--id", "p1");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(port.calls).hasSize(1).allMatch(c -> c.startsWith("inject p1 shop_web PAUSE 30s"));
    assertThat(localOpens).isEmpty();
  }

  @Test
  void withoutTheTokenTheServerSays401AndTheCliSaysWhy() throws Exception {
    var r = inject("shop_web", "KILL", "--duration", "10s", "--server", serverUrl());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).startsWith("error: ").contains("HTTP 401").contains("--token-file");
    assertThat(port.calls).isEmpty();
  }

  @Test
  void aWrongTokenIs401() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong"), "nope");
    var r = inject("shop_web", "KILL", "--duration", "10s", "--server", serverUrl(), "--token-file", wrong.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("HTTP 401");
    assertThat(port.calls).isEmpty();
  }

  @Test
  void anUnreadableTokenFileIsABadOptionNotAnUnreachableServer() throws Exception {
    var r = inject("shop_web", "KILL", "--duration", "10s", "--server", serverUrl(), "--token-file", dir.resolve("missing").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: --token-file " + dir.resolve("missing") + ": cannot read it");
    assertThat(r.err().lines().toList()).hasSize(1);
  }

  @Test
  void aServerThatIsNotAUrlIsABadOption() {
    var r = inject("shop_web", "KILL", "--duration", "10s", "--server", "localhost:8787");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: --server localhost:8787: expected http://HOST:PORT");
    assertThat(r.clean()).as(r.err()).isTrue();
  }

  @Test
  void every400FieldIsOneLineNamedAsTheCliNamesIt() throws Exception {
    port.refuseWith = new ExperimentException.Invalid(List.of(
        new FieldError("parameters.latencyMs", "is required for this action"),
        new FieldError("durationSeconds", "must be 1..3600 seconds, not 7200"),
        new FieldError("parameters.targetCount", "is 9; shop_web runs 3 container(s)")));
    var r = inject("shop_web", "NETWORK_DELAY", "--duration", "2h", "--count", "9", "--server", serverUrl(), "--token-file", tokenFile().toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().lines().toList()).containsExactly(
        "error: --param latencyMs: is required for this action",
        "error: --duration: must be 1..3600 seconds, not 7200",
        "error: --count: is 9; shop_web runs 3 container(s)");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anUnknownServiceIs404AndExitTwo() throws Exception {
    port.refuseWith = new ExperimentException.UnknownService("no running service 'shop_nope'; running: shop_db, shop_web");
    var r = inject("shop_nope", "KILL", "--duration", "10s", "--server", serverUrl(), "--token-file", tokenFile().toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().lines().toList()).containsExactly("error: no running service 'shop_nope'; running: shop_db, shop_web (HTTP 404)");
  }

  @Test
  void overTheBlastRadiusIs409WithTheCapAndExitTwo() throws Exception {
    port.refuseWith = new ExperimentException.OverBlastRadius("all", "25%", 1, 2,
        "over the blast-radius cap: with this experiment 2 containers of stack shop would be affected; all=25% allows 1");
    var r = inject("shop_web", "KILL", "--duration", "10s", "--count", "2", "--server", serverUrl(), "--token-file", tokenFile().toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).contains("all=25% allows 1").contains("(HTTP 409)");
  }

  @Test
  void aDuplicateIdIs409() throws Exception {
    String url = serverUrl();
    String token = tokenFile().toString();
    assertThat(inject("shop_web", "KILL", "--duration", "10s", "--id", "k", "--server", url, "--token-file", token).exit()).isZero();
    port.refuseWith = new ExperimentException.DuplicateId("k");
    var r = inject("shop_web", "KILL", "--duration", "10s", "--id", "k", "--server", url, "--token-file", token);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: experiment 'k' exists already (HTTP 409)\n");
  }

  @Test
  void anUnavailableClusterIs503AndExitThree() throws Exception {
    port.refuseWith = new ExperimentException.Unavailable("Cannot connect to the Docker daemon");
    var r = inject("shop_web", "KILL", "--duration", "10s", "--server", serverUrl(), "--token-file", tokenFile().toString());
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).isEqualTo("error: Cannot connect to the Docker daemon (HTTP 503)\n");
  }

  @Test
  void anUnreachableServerIsExitThree() throws Exception {
    int free;
    try (var s = new ServerSocket(0)) {
      free = s.getLocalPort();
    }
    var r = inject("shop_web", "KILL", "--duration", "10s", "--server", "http://127.0.0.1:" + free, "--token-file", tokenFile().toString());
    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err()).startsWith("error: cannot reach http://127.0.0.1:" + free);
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(localOpens).isEmpty();
  }

  // ------------------------------------------------------------------ the local engine

  @Test
  void withoutAServerItRunsOnTheLocalEngineUntilRolledBackAtTheTtl() {
    var r = inject("shop_web", "PAUSE", "--duration", "20s", "--id", "p1", "--out", dir.resolve("runs").toString());
    assertThat(localOpens).containsExactly("open state=runs/experiments out=runs hosts=-");
    assertThat(runner.calls).containsExactly("start exp-p1 shop");
    assertThat(r.exit()).as(r.err()).isZero();
    var lines = r.err().lines().toList();
    assertThat(lines.get(0)).startsWith("inject: p1 INJECTED (PAUSE on shop_web: shop_web.1.tweb1 PENDING");
    assertThat(lines).anyMatch(l -> l.startsWith("inject: p1 RUNNING (PAUSE on shop_web: shop_web.1.tweb1 APPLIED"));
    assertThat(lines).anyMatch(l -> l.startsWith("inject: p1 ROLLED_BACK (PAUSE on shop_web: shop_web.1.tweb1 HEALED"));
    assertThat(r.out().strip()).isEqualTo(dir.resolve("runs/exp-p1-1").toString());
    // the state file says so for `master experiments` of another process
    var view = LocalExperiments.viewOf(dir.resolve("runs/experiments"), time, s -> {});
    assertThat(view.status("p1").orElseThrow().status().name()).isEqualTo("ROLLED_BACK");
  }

  @Test
  void theLocalStateFolderAndHostsAreThoseGiven() {
    Path hosts = dir.resolve("hosts.yaml");
    inject("shop_web", "PAUSE", "--duration", "5s", "--id", "p2", "--out", dir.resolve("o").toString(),
        "--state-dir", dir.resolve("st").toString(), "--hosts", hosts.toString());
    assertThat(localOpens).containsExactly("open state=st out=o hosts=" + hosts);
  }

  @Test
  void aLocalRunThatFailsExitsOne() {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    var c = command(out, err);
    runner.outcome = Outcome.FAILED;
    var r = ExperimentCliFixtures.run(c, out, err, "shop_web", "PAUSE", "--duration", "5s", "--id", "p3", "--out", dir.resolve("runs").toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("inject: p3 FAILED");
  }

  @Test
  void anUnknownServiceLocallyIsExitTwoWithTheRunningOnes() {
    var r = inject("shop_nope", "KILL", "--duration", "10s", "--out", dir.resolve("runs").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: no running service 'shop_nope'; running: shop_db, shop_web\n");
    assertThat(runner.calls).isEmpty();
  }

  @Test
  void theRealLocalEngineIsLocalExperiments() {
    var engine = InjectCommand.REAL_ENGINE.open(dir.resolve("state"), dir.resolve("runs"), Optional.empty());
    try {
      assertThat(engine).isInstanceOf(LocalExperiments.class);
      assertThat(engine.list()).isEmpty();
    } finally {
      engine.close();
    }
  }
}

package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.master.experiments.ExperimentRequest;
import dev.reprise.master.experiments.ExperimentStatus;
import dev.reprise.master.experiments.Experiments;
import dev.reprise.master.runqueue.QueuedRun;
import dev.reprise.master.runqueue.RunEvent;
import dev.reprise.master.runqueue.RunQueue;
import dev.reprise.master.runqueue.RunSubmission;
import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code master serve} in-process over empty backends: the URL first on stdout, the generated 0600 token, a clean stop. */
class ServeCommandTest {
  @TempDir Path dir;

  @Test
  void printsTheUrlFirstGeneratesTheTokenAndStopsCleanly() throws Exception {
    var closed = new CopyOnWriteArrayList<String>();
    var command = new ServeCommand();
    command.backends = new ServeCommand.Backends() {
      @Override
      public Experiments experiments(ServeCommand.Settings s) {
        return new Experiments() {
          public ExperimentStatus inject(ExperimentRequest r) { throw new UnsupportedOperationException(); }
          public Optional<ExperimentStatus> status(String id) { return Optional.empty(); }
          public List<ExperimentStatus> list() { return List.of(); }
          public ExperimentStatus rollback(String id) { throw new UnsupportedOperationException(); }
          public void close() { closed.add("experiments"); }
        };
      }

      @Override
      public RunQueue runQueue(ServeCommand.Settings s) {
        return new RunQueue() {
          public QueuedRun submit(RunSubmission r) { throw new UnsupportedOperationException(); }
          public List<QueuedRun> list() { return List.of(); }
          public Optional<QueuedRun> get(String id) { return Optional.empty(); }
          public Optional<QueuedRun> abort(String id) { return Optional.empty(); }
          public Optional<Subscription> subscribe(String id, long after, Consumer<RunEvent> sink) { return Optional.empty(); }
          public void close() { closed.add("queue"); }
        };
      }
    };
    var pipe = new PipedWriter();
    var lines = new BufferedReader(new PipedReader(pipe, 8192));
    var cli = new CommandLine(command);
    cli.setOut(new PrintWriter(pipe, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    Path state = dir.resolve("state");
    var exit = CompletableFuture.supplyAsync(() -> cli.execute("--port", "0", "--state-dir", state.toString(), "--out", dir.toString()));
    String url = lines.readLine();
    assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+");
    assertThat(lines.readLine()).isEqualTo("token: " + state.resolve("token").toAbsolutePath() + " (mode 0600)");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("token")))).isEqualTo("rw-------");
    String token = Files.readString(state.resolve("token")).strip();

    var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    var r = client.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/runs")).header("Authorization", "Bearer " + token).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("[]");

    command.stop.countDown();
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(closed).containsExactly("queue", "experiments");
  }

  @Test
  void badFilesAreAllReportedWithExit2() {
    var err = new StringWriter();
    var cli = new CommandLine(new ServeCommand());
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute("--hosts", dir.resolve("nohosts.yaml").toString(), "--token-file", dir.resolve("notoken").toString(),
        "--keystore", dir.resolve("ks.p12").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("nohosts.yaml:0:0: the hosts file does not exist").contains("notoken:0:0:")
        .contains("ks.p12:0:0:").contains("--keystore needs --keystore-password-file");
  }
}

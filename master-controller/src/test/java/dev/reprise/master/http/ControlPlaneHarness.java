package dev.reprise.master.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** A {@link ControlPlane} over fakes on port 0, and a client with the token. */
final class ControlPlaneHarness implements AutoCloseable {
  static final String TOKEN = "s3cret-token";
  final FakeExperiments experiments = new FakeExperiments();
  final FakeRunQueue queue = new FakeRunQueue();
  final ControlPlane server;
  final URI base;
  final HttpClient client;

  ControlPlaneHarness(Path runsRoot) {
    this(runsRoot, new ControlPlane.Config("127.0.0.1", 0, null), HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  }

  ControlPlaneHarness(Path runsRoot, ControlPlane.Config config, HttpClient client) {
    server = new ControlPlane(config, experiments, queue, RunFiles.under(runsRoot), TokenCheck.of(TOKEN));
    base = server.start();
    this.client = client;
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + TOKEN);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return send(request(path).GET());
  }

  HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
    return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json.replace('\'', '"'))));
  }

  HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.close();
  }
}

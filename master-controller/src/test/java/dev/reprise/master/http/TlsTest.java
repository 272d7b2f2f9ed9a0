package dev.reprise.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS with a keystore made by the JDK's keytool; the client trusts exactly that keystore. */
class TlsTest {
  @TempDir Path dir;

  @Test
  void servesHttpsWithTheKeystore() throws Exception {
    Path keystore = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "reprise", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();

    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
      trust.load(in, "changeit".toCharArray());
    }
    var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    var client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();

    var config = new ControlPlane.Config("127.0.0.1", 0, new ControlPlane.Tls(keystore, "changeit"));
    try (var h = new ControlPlaneHarness(dir, config, client)) {
      assertThat(h.base.getScheme()).isEqualTo("https");
      var health = client.send(HttpRequest.newBuilder(h.base.resolve("/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(h.get("/api/v1/runs").statusCode()).isEqualTo(200);
      var plain = HttpClient.newHttpClient();
      var insecure = h.base.toString().replace("https:", "http:");
      int plainStatus;
      try {
        plainStatus = plain.send(HttpRequest.newBuilder(java.net.URI.create(insecure + "/health")).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode();
      } catch (java.io.IOException e) {
        plainStatus = -1;
      }
      assertThat(plainStatus).as("plain HTTP on the TLS port").isNotEqualTo(200);
    }
  }
}

package dev.reprise.master.cluster;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** {@link LocalImages} through the local {@code docker} CLI (honours DOCKER_HOST). */
public final class DockerCliImages implements LocalImages {
  @Override
  public String id(String image) throws IOException {
    var p = new ProcessBuilder("docker", "image", "inspect", "--format", "{{.Id}}", image).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    try {
      if (p.waitFor() != 0) throw new IOException("image " + image + " is not in the local Docker engine (" + out + "); build it first");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while inspecting " + image);
    }
    return out;
  }

  @Override
  public InputStream save(String image) throws IOException {
    var p = new ProcessBuilder("docker", "save", image).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    return new FilterInputStream(p.getInputStream()) {
      @Override
      public void close() throws IOException {
        super.close();
        p.destroy();
      }
    };
  }
}

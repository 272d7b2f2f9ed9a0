package dev.reprise.master.ssh;

import dev.reprise.master.hosts.HostSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link RemoteHost} whose "remote" files live in a map; records every call as a readable line.
 * Commands are answered by {@code answers} (first matching prefix); {@code sha256sum} is answered
 * from the stored files.
 */
public final class FakeRemoteHost implements RemoteHost {
  public final List<String> calls = new ArrayList<>();
  public final Map<String, byte[]> files = new LinkedHashMap<>();
  public final Map<String, Function<String, ExecResult>> answers = new LinkedHashMap<>();
  private final HostSpec spec;

  public FakeRemoteHost(String name, String workDir) {
    this.spec = new HostSpec(name, name + ".example", 22, "root", Path.of("/dev/null"), null, workDir);
  }

  @Override
  public HostSpec spec() {
    return spec;
  }

  @Override
  public synchronized ExecResult exec(String command, InputStream input, Duration timeout) throws IOException {
    calls.add("exec " + command + (input != null ? " <input " + input.readAllBytes().length + " bytes>" : ""));
    if (command.contains("sha256sum --")) {
      var out = new StringBuilder();
      String dir = command.substring(3, command.indexOf(" 2>/dev/null"));
      for (String word : command.substring(command.indexOf("sha256sum --") + 12, command.lastIndexOf(" 2>/dev/null")).trim().split(" ")) {
        byte[] content = files.get(dir + "/" + word);
        if (content != null) out.append(sha(content)).append("  ").append(word).append('\n');
      }
      return new ExecResult(0, out.toString(), "");
    }
    for (var a : answers.entrySet()) if (command.startsWith(a.getKey())) return a.getValue().apply(command);
    return new ExecResult(0, "", "");
  }

  private static String sha(byte[] content) throws IOException {
    Path tmp = Files.createTempFile("fake", ".bin");
    try {
      Files.write(tmp, content);
      return Shipper.sha256(tmp);
    } finally {
      Files.delete(tmp);
    }
  }

  @Override
  public RemoteProcess start(String command) {
    throw new UnsupportedOperationException("not used by these tests");
  }

  @Override
  public synchronized void upload(Path local, String remotePath) throws IOException {
    calls.add("upload " + local.getFileName() + " -> " + remotePath);
    files.put(remotePath, Files.readAllBytes(local));
  }

  @Override
  public synchronized void download(String remotePath, Path local) throws IOException {
    calls.add("download " + remotePath);
    Files.createDirectories(local.getParent());
    Files.write(local, files.get(remotePath));
  }

  @Override
  public synchronized List<String> listFiles(String remoteDir) {
    calls.add("list " + remoteDir);
    return files.keySet().stream().filter(f -> f.startsWith(remoteDir + "/")).map(f -> f.substring(remoteDir.length() + 1)).toList();
  }

  @Override
  public void close() {
    calls.add("close");
  }
}

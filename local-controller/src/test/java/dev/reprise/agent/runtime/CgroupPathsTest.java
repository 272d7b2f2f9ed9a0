package dev.reprise.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupPathsTest {
  @TempDir Path root;

  private Path procs(String dir) throws Exception {
    var d = root.resolve(dir);
    Files.createDirectories(d);
    return Files.createFile(d.resolve("cgroup.procs"));
  }

  @Test
  void cgroupV1ResolvesEachControllerMountCpuFirstAndSkipsMissingOnes() throws Exception {
    var cpu = procs("cpu,cpuacct/docker/abc");
    var memory = procs("memory/docker/abc");
    var systemd = procs("systemd/docker/abc");
    var text = """
        12:memory:/docker/abc
        5:cpu,cpuacct:/docker/abc
        3:blkio:/docker/abc
        1:name=systemd:/docker/abc
        0::/system.slice/containerd.service
        """;
    assertThat(CgroupPaths.procsFiles(text, root)).containsExactly(cpu, memory, systemd);
  }

  @Test
  void cgroupV2UsesTheUnifiedRoot() throws Exception {
    Files.createFile(root.resolve("cgroup.controllers"));
    var unified = procs("system.slice/docker-abc.scope");
    assertThat(CgroupPaths.procsFiles("0::/system.slice/docker-abc.scope\n", root)).containsExactly(unified);
  }

  @Test
  void hybridLayoutFindsTheUnifiedHierarchyUnderUnified() throws Exception {
    var cpu = procs("cpu/docker/abc");
    var unified = procs("unified/docker/abc");
    assertThat(CgroupPaths.procsFiles("4:cpu:/docker/abc\n0::/docker/abc\n", root)).containsExactly(cpu, unified);
  }

  @Test
  void slotComesFromTheTaskName() {
    assertThat(RunContainer.slotOf("web.3.k2j3h4", "web")).isEqualTo(3);
    assertThat(RunContainer.slotOf("my.web.12.k2j3h4", "my.web")).isEqualTo(12);
    assertThat(RunContainer.slotOf("web.k2j3h4", "web")).isEqualTo(-1);
    assertThat(RunContainer.slotOf(null, "web")).isEqualTo(-1);
  }
}

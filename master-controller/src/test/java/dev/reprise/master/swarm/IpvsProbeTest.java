package dev.reprise.master.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.ScenarioException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpvsProbeTest {
  private static StackSpec stack(String mode) throws ScenarioException {
    return new ComposeTranslator(Map.of()).translate(Path.of("c.yml"),
        "services: {web: {image: x, deploy: {endpoint_mode: " + mode + "}}}", "st", Map.of("web", 1)).stack();
  }

  @Test
  void warnsForVipServicesWhenNeitherProcModulesNorSysModuleHasIpVs(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("proc"));
    Files.writeString(root.resolve("proc/modules"), "overlay 151552 0 - Live 0x0\n");
    var probe = new IpvsProbe(root);
    assertThat(probe.available()).isFalse();
    assertThat(probe.warning(stack("vip"))).get().asString()
        .contains("no IP_VS").contains("services web use endpoint_mode vip")
        .contains("use endpoint_mode: dnsrr and reach services as tasks.<service>");
    assertThat(probe.warning(stack("dnsrr"))).isEmpty();
  }

  @Test
  void ipVsInProcModulesOrSysModuleMeansAvailable(@TempDir Path root) throws Exception {
    Files.createDirectories(root.resolve("proc"));
    Files.writeString(root.resolve("proc/modules"), "ip_vs 180224 0 - Live 0x0\n");
    assertThat(new IpvsProbe(root).available()).isTrue();
    Files.delete(root.resolve("proc/modules"));
    Files.createDirectories(root.resolve("sys/module/ip_vs"));
    assertThat(new IpvsProbe(root).warning(stack("vip"))).isEmpty();
  }
}

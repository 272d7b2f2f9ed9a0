package dev.reprise.master.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.Diagnostic;
import dev.reprise.master.swarm.StackSpec.Attachment;
import dev.reprise.master.swarm.StackSpec.EndpointMode;
import dev.reprise.master.swarm.StackSpec.Mount;
import dev.reprise.master.swarm.StackSpec.Port;
import dev.reprise.master.swarm.StackSpec.Subnet;
import java.nio.file.Files;
import dev.reprise.master.orchestrator.Orchestrator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposeTranslatorTest {
  private static final Path FILE = Path.of("/proj/docker-compose.yml");
  private final ComposeTranslator translator = new ComposeTranslator(Map.of("TAG", "1.2", "FROM_HOST", "hostvalue"));

  private ComposeTranslator.NamedTranslation translate(String yaml, Map<String, Integer> replicas) throws ScenarioException {
    return translator.translate(FILE, yaml, "st", replicas);
  }

  private StackSpec.Service web(String yaml) throws ScenarioException {
    return translate(yaml, Map.of("web", 2)).stack().service("web").orElseThrow();
  }

  private List<String> errors(String yaml) {
    try {
      translate(yaml, Map.of());
      throw new AssertionError("expected a ScenarioException");
    } catch (ScenarioException e) {
      return e.diagnostics().stream().map(Diagnostic::toString).toList();
    }
  }

  @Test
  void imageNameAndReplicasFromBeginning() throws Exception {
    var t = translate("""
        services:
          web:
            image: reprise/hello:latest
          db:
            image: reprise/db:1
        """, Map.of("web", 3));
    var web = t.stack().service("web").orElseThrow();
    assertThat(web.name()).isEqualTo("st_web");
    assertThat(web.image()).isEqualTo("reprise/hello:latest");
    assertThat(web.replicas()).isEqualTo(3);
    assertThat(t.stack().service("db").orElseThrow().replicas()).as("absent from beginning").isZero();
    assertThat(t.stack().serviceNames()).containsEntry("web", "st_web").containsEntry("db", "st_db");
  }

  @Test
  void stringCommandAndEntrypointAreSplitLikeAShell() throws Exception {
    var s = web("""
        services:
          web:
            image: x
            entrypoint: /bin/sh -c
            command: echo "hello world" it\\'s
        """);
    assertThat(s.entrypoint()).containsExactly("/bin/sh", "-c");
    assertThat(s.command()).containsExactly("echo", "hello world", "it's");
  }

  @Test
  void listCommandIsKeptAsIsAndAbsentCommandKeepsTheImages() throws Exception {
    var s = web("""
        services:
          web:
            image: x
            command: ["sleep", "10 s"]
        """);
    assertThat(s.command()).containsExactly("sleep", "10 s");
    assertThat(s.entrypoint()).isNull();
  }

  @Test
  void environmentInMapAndListFormResolvesBareKeysFromTheHost() throws Exception {
    var map = web("""
        services:
          web:
            image: x
            environment:
              A: "1"
              FROM_HOST:
              UNSET:
        """);
    assertThat(map.env()).containsExactly("A=1", "FROM_HOST=hostvalue");
    var list = web("""
        services:
          web:
            image: x
            environment:
              - A=1
              - B=x=y
              - FROM_HOST
        """);
    assertThat(list.env()).containsExactly("A=1", "B=x=y", "FROM_HOST=hostvalue");
  }

  @Test
  void envFileIsReadRelativeToTheComposeFileAndEnvironmentOverridesIt(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("web.env"), "# comment\nA=from-file\nB=2\n");
    var s = translator.translate(dir.resolve("compose.yml"), """
        services:
          web:
            image: x
            env_file: web.env
            environment:
              A: override
        """, "st", Map.of("web", 1)).stack().service("web").orElseThrow();
    assertThat(s.env()).containsExactly("B=2", "A=override");
  }

  @Test
  void interpolatesVariablesWithDefaultsAndEscapes() throws Exception {
    var s = web("""
        services:
          web:
            image: "reprise/web:${TAG}"
            environment:
              D: "${MISSING:-fallback}"
              E: "cost $$5"
        """);
    assertThat(s.image()).isEqualTo("reprise/web:1.2");
    assertThat(s.env()).containsExactly("D=fallback", "E=cost $5");
  }

  @Test
  void serviceLabelsGoOnContainersAndDeployLabelsOnTheServiceBothWithTheNamespace() throws Exception {
    var s = web("""
        services:
          web:
            image: x
            labels:
              - tier=front
            deploy:
              labels:
                owner: team
        """);
    assertThat(s.containerLabels()).containsEntry("tier", "front").containsEntry(StackSpec.NAMESPACE_LABEL, "st");
    assertThat(s.serviceLabels()).containsEntry("owner", "team").containsEntry(StackSpec.NAMESPACE_LABEL, "st")
        .containsEntry("com.docker.stack.image", "x");
  }

  @Test
  void servicesWithoutNetworksJoinTheStacksDefaultOverlay() throws Exception {
    var t = translate("""
        services:
          web:
            image: x
        """, Map.of("web", 1));
    assertThat(t.stack().service("web").orElseThrow().networks()).containsExactly(new Attachment("st_default", List.of("web")));
    assertThat(t.stack().networks()).singleElement().satisfies(n -> {
      assertThat(n.name()).isEqualTo("st_default");
      assertThat(n.driver()).isEqualTo("overlay");
      assertThat(n.labels()).containsEntry(StackSpec.NAMESPACE_LABEL, "st");
    });
  }

  @Test
  void declaredOverlayNetworksKeepSubnetsAttachableAndAliases() throws Exception {
    var t = translate("""
        services:
          web:
            image: x
            networks:
              back:
                aliases: [api]
        networks:
          back:
            driver: overlay
            attachable: true
            ipam:
              config:
                - subnet: 10.77.0.0/24
                  gateway: 10.77.0.1
        """, Map.of("web", 1));
    assertThat(t.stack().service("web").orElseThrow().networks()).containsExactly(new Attachment("st_back", List.of("web", "api")));
    assertThat(t.stack().networks()).as("default is unused, so not created").singleElement().satisfies(n -> {
      assertThat(n.name()).isEqualTo("st_back");
      assertThat(n.attachable()).isTrue();
      assertThat(n.subnets()).containsExactly(new Subnet("10.77.0.0/24", "10.77.0.1", null));
    });
  }

  @Test
  void externalNetworksAreAttachedByTheirOwnName() throws Exception {
    var t = translate("""
        services:
          web:
            image: x
            networks: [shared]
        networks:
          shared:
            external: true
            name: team-net
        """, Map.of("web", 1));
    assertThat(t.stack().networks()).singleElement().satisfies(n -> {
      assertThat(n.external()).isTrue();
      assertThat(n.name()).isEqualTo("team-net");
    });
  }

  @Test
  void undeclaredNetworkIsAnErrorAtItsPosition() {
    assertThat(errors("""
        services:
          web:
            image: x
            networks:
              - nope
        """)).containsExactly("/proj/docker-compose.yml:5:9: services.web.networks: network 'nope' is not declared under the top-level networks:");
  }

  @Test
  void bridgeDriverIsAnError() {
    assertThat(errors("""
        services:
          web:
            image: x
        networks:
          n:
            driver: bridge
        """)).singleElement().asString().startsWith("/proj/docker-compose.yml:6:13: networks.n.driver: swarm services can only use overlay");
  }

  @Test
  void volumesNamedBindRelativeToTheComposeFileAnonymousAndTmpfs() throws Exception {
    var s = web("""
        services:
          web:
            image: x
            volumes:
              - data:/var/data
              - ./conf:/etc/conf:ro
              - /scratch
              - type: bind
                source: /abs
                target: /mnt
            tmpfs: /run
        volumes:
          data:
        """);
    assertThat(s.mounts()).containsExactly(
        new Mount("volume", "st_data", "/var/data", false, Map.of(StackSpec.NAMESPACE_LABEL, "st")),
        new Mount("bind", "/proj/conf", "/etc/conf", true, Map.of()),
        new Mount("volume", null, "/scratch", false, Map.of(StackSpec.NAMESPACE_LABEL, "st")),
        new Mount("bind", "/abs", "/mnt", false, Map.of()),
        new Mount("tmpfs", null, "/run", false, Map.of()));
  }

  @Test
  void undeclaredNamedVolumeIsAnError() {
    assertThat(errors("""
        services:
          web:
            image: x
            volumes:
              - data:/var/data
        """)).singleElement().asString().contains("5:9").contains("volume 'data' is not declared");
  }

  @Test
  void resourcesLimitsAndReservations() throws Exception {
    var s = web("""
        services:
          web:
            image: x
            deploy:
              resources:
                limits:
                  cpus: '0.5'
                  memory: 64M
                reservations:
                  memory: 1g
        """);
    assertThat(s.limits()).isEqualTo(new StackSpec.Resources(500_000_000L, 64L << 20));
    assertThat(s.reservations()).isEqualTo(new StackSpec.Resources(null, 1L << 30));
  }

  @Test
  void malformedMemoryIsAnErrorAtTheValue() {
    assertThat(errors("""
        services:
          web:
            image: x
            deploy:
              resources:
                limits:
                  memory: lots
        """)).singleElement().asString().startsWith("/proj/docker-compose.yml:7:19: services.web.deploy.resources.limits.memory: 'lots' is not a size");
  }

  @Test
  void placementConstraints() throws Exception {
    var s = web("""
        services:
          web:
            image: x
            deploy:
              placement:
                constraints: [node.role == manager, node.labels.zone == a]
        """);
    assertThat(s.constraints()).containsExactly("node.role == manager", "node.labels.zone == a");
  }

  @Test
  void endpointModeDefaultsToVipAndHonoursDnsrr() throws Exception {
    assertThat(web("services: {web: {image: x}}").endpointMode()).isEqualTo(EndpointMode.VIP);
    assertThat(web("services: {web: {image: x, deploy: {endpoint_mode: dnsrr}}}").endpointMode()).isEqualTo(EndpointMode.DNSRR);
    assertThat(errors("services: {web: {image: x, deploy: {endpoint_mode: rr}}}")).singleElement().asString()
        .contains("expected vip or dnsrr");
  }

  @Test
  void hostnameUserWorkingDirStopGraceAndSignal() throws Exception {
    var s = web("""
        services:
          web:
            image: x
            hostname: h1
            user: "1000:1000"
            working_dir: /app
            stop_grace_period: 1m30s
            stop_signal: SIGINT
        """);
    assertThat(s.hostname()).isEqualTo("h1");
    assertThat(s.user()).isEqualTo("1000:1000");
    assertThat(s.workingDir()).isEqualTo("/app");
    assertThat(s.stopGracePeriodNanos()).isEqualTo(90_000_000_000L);
    assertThat(s.stopSignal()).isEqualTo("SIGINT");
  }

  @Test
  void portsShortAndLongSyntaxWithHostModeUnderDnsrr() throws Exception {
    var vip = web("""
        services:
          web:
            image: x
            ports: ["8080:80", "53/udp", "9000-9001:7000-7001"]
        """);
    assertThat(vip.ports()).containsExactly(new Port(80, 8080, "tcp", "ingress"), new Port(53, null, "udp", "ingress"),
        new Port(7000, 9000, "tcp", "ingress"), new Port(7001, 9001, "tcp", "ingress"));
    var dnsrr = web("""
        services:
          web:
            image: x
            deploy: {endpoint_mode: dnsrr}
            ports:
              - target: 80
                published: 8081
        """);
    assertThat(dnsrr.ports()).containsExactly(new Port(80, 8081, "tcp", "host"));
  }

  @Test
  void buildWithoutImageIsAnErrorAtTheBuildKey() {
    assertThat(errors("""
        services:
          web:
            build: .
        """)).containsExactly("/proj/docker-compose.yml:3:5: services.web.build: Reprise cannot build images; build it beforehand and name it with image:");
  }

  @Test
  void globalModeIsAnError() {
    assertThat(errors("services: {web: {image: x, deploy: {mode: global}}}")).singleElement().asString()
        .contains("global services cannot be scaled");
  }

  @Test
  void restartPolicyIsForcedToNoneWithAWarning() throws Exception {
    var t = translate("""
        services:
          web:
            image: x
            restart: always
            deploy:
              restart_policy:
                condition: on-failure
        """, Map.of("web", 1));
    assertThat(t.warnings()).extracting(Diagnostic::toString).anySatisfy(w -> assertThat(w)
        .startsWith("/proj/docker-compose.yml:6:7: warning: deploy.restart_policy is replaced by condition: none"));
    assertThat(t.warnings()).extracting(Diagnostic::message).anySatisfy(w -> assertThat(w).contains("restart is ignored"));
  }

  @Test
  void restartPolicyIsNoneByDefault() throws Exception {
    assertThat(web("services:\n  web:\n    image: x\n    deploy:\n      restart_policy: {condition: any}\n").restart())
        .isEqualTo(StackSpec.RestartPolicy.NONE);
  }

  private Orchestrator.Translation keep(String yaml) throws ScenarioException {
    return translator.translate(FILE, yaml, Map.of("web", 1, "db", 1), true);
  }

  private StackSpec.Service service(Orchestrator.Translation t, String name) {
    return ((StackSpec) t.stack()).service(name).orElseThrow();
  }

  @Test
  void restartKeepKeepsTheComposePolicyAndWarnsThatKillsMayBeUndone() throws Exception {
    var t = keep("""
        services:
          web:
            image: x
            deploy:
              restart_policy:
                condition: on-failure
                delay: 5s
                max_attempts: 3
                window: 1m
          db:
            image: y
            deploy:
              restart_policy: {condition: none}
        """);
    assertThat(service(t, "web").restart()).isEqualTo(new StackSpec.RestartPolicy("on-failure", 5_000_000_000L, 3L, 60_000_000_000L));
    assertThat(service(t, "db").restart()).isEqualTo(StackSpec.RestartPolicy.NONE);
    assertThat(t.warnings()).extracting(Diagnostic::toString).containsExactly(
        "/proj/docker-compose.yml:5:7: warning: environment.restart: keep: service web restarts its containers (condition on-failure):"
            + " kills may be undone by Swarm and the alive set becomes approximate");
  }

  @Test
  void restartKeepWithoutAPolicyIsSwarmsDefaultAny() throws Exception {
    var t = keep("services:\n  web: {image: x}\n  db:\n    image: y\n    deploy: {restart_policy: {max_attempts: 0}}\n");
    assertThat(service(t, "web").restart()).isEqualTo(new StackSpec.RestartPolicy("any", null, null, null));
    assertThat(service(t, "db").restart().restarts()).isFalse();
    assertThat(t.warnings()).extracting(Diagnostic::message).containsExactly(
        "warning: environment.restart: keep: service web restarts its containers (condition any, Swarm's default):"
            + " kills may be undone by Swarm and the alive set becomes approximate");
  }

  @Test
  void restartKeepRejectsAnUnknownCondition() {
    assertThatThrownBy(() -> keep("services:\n  web:\n    image: x\n    deploy: {restart_policy: {condition: always}}\n"))
        .isInstanceOfSatisfying(ScenarioException.class, e -> assertThat(e.diagnostics()).extracting(Diagnostic::toString)
            .containsExactly("/proj/docker-compose.yml:4:42: services.web.deploy.restart_policy.condition: expected none, on-failure or any, got 'always'"));
  }

  @Test
  void unsupportedKeysAreWarnedOncePerKey() throws Exception {
    var t = translate("""
        services:
          a:
            image: x
            healthcheck: {test: ["CMD", "true"]}
            frobnicate: 1
          b:
            image: x
            healthcheck: {test: ["CMD", "true"]}
        """, Map.of());
    assertThat(t.warnings()).extracting(Diagnostic::toString).containsExactly(
        "/proj/docker-compose.yml:4:5: warning: healthcheck is ignored: health checks are not applied by Reprise yet (first seen in service a)",
        "/proj/docker-compose.yml:5:5: warning: unknown service key 'frobnicate' is ignored (first seen in service a)");
  }

  @Test
  void mergeKeysAndExtensionFieldsWork() throws Exception {
    var s = web("""
        x-common: &common
          image: reprise/hello:latest
          environment: {A: "1"}
        services:
          web:
            <<: *common
            hostname: merged
        """);
    assertThat(s.image()).isEqualTo("reprise/hello:latest");
    assertThat(s.env()).containsExactly("A=1");
    assertThat(s.hostname()).isEqualTo("merged");
  }

  @Test
  void scenarioServiceMissingFromComposeIsAnError() {
    assertThatThrownBy(() -> translate("services: {web: {image: x}}", Map.of("web", 1, "db", 2)))
        .isInstanceOf(ScenarioException.class).hasMessageContaining("services.db: the scenario uses service 'db'");
  }

  @Test
  void yamlTagsAreErrorsAtTheirPositionsAllAtOnce() {
    assertThat(errors("services:\n  web:\n    image: !foo x\n    deploy: {replicas: !!int abc}\n")).extracting(Object::toString)
        .containsExactly(
            "/proj/docker-compose.yml:3:12: YAML tags are not supported: '!foo' (remove it; write the value plainly, quoted if it must stay text)",
            "/proj/docker-compose.yml:4:24: YAML tags are not supported: '!!int' (remove it; write the value plainly, quoted if it must stay text)");
  }

  @Test
  void anUnclosedQuoteIsAnErrorWhereItOpens() {
    assertThat(errors("services:\n  web:\n    image: \"x\n")).singleElement().asString()
        .startsWith("/proj/docker-compose.yml:3:12: YAML syntax error: this quoted text is never closed");
  }

  @Test
  void invalidYamlIsAnErrorWithItsPosition() {
    assertThat(errors("services:\n  web: [\n")).singleElement().asString().startsWith("/proj/docker-compose.yml:3:");
  }

  @Test
  void serviceAndNetworkNamesSwarmWouldRefuseAreReportedAtTheirKeysAllAtOnce() {
    assertThat(errors("""
        services:
          web.front:
            image: x
          "my app":
            image: x
          %s:
            image: x
        networks:
          back.end: {}
          ext.net:
            external: true
        """.formatted("a".repeat(ComposeTranslator.MAX_COMPOSE_NAME + 1)))).containsExactlyInAnyOrder(
        "/proj/docker-compose.yml:2:3: services.web.front: Swarm names it <stack>_web.front, which must be a DNS name component:"
            + " letters, digits, and '-' or '_' between them (no dots or spaces); rename it",
        "/proj/docker-compose.yml:4:3: services.my app: Swarm names it <stack>_my app, which must be a DNS name component:"
            + " letters, digits, and '-' or '_' between them (no dots or spaces); rename it",
        "/proj/docker-compose.yml:6:3: services." + "a".repeat(43) + ": the name is 43 characters; Swarm names it <stack>_"
            + "a".repeat(43) + " within 63 characters, which leaves at most 42 for it",
        "/proj/docker-compose.yml:9:3: networks.back.end: Swarm names it <stack>_back.end, which must be a DNS name component:"
            + " letters, digits, and '-' or '_' between them (no dots or spaces); rename it");
  }

  @Test
  void theLongestStackNameKeepsEveryObjectNameWithinSwarmsLimit() throws Exception {
    var stack = (StackSpec) translator.translate(FILE, """
        services:
          web: {image: x}
          cassandra-seed_node: {image: x}
        networks:
          back: {}
        """, Map.of()).stack();
    assertThat(stack.maxNameLength()).isEqualTo(63 - "_cassandra-seed_node".length());
    var named = stack.named("r".repeat(stack.maxNameLength()));
    assertThat(named.services()).allSatisfy(s -> assertThat(s.name()).hasSizeLessThanOrEqualTo(63));
    assertThat(named.networks()).allSatisfy(n -> assertThat(n.name()).hasSizeLessThanOrEqualTo(63));
    // the shortest run ID RunFolders makes leaves room for the longest name the translator accepts
    assertThat(ComposeTranslator.MAX_COMPOSE_NAME).isEqualTo(63 - 1 - dev.reprise.master.run.RunFolders.MIN_ID);
  }
}

package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.plan.PlanJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A FaultSee-style scenario whose custom script {@code waste_cpu} lives in a separate folder, given by
 * {@code environment.faults}, {@code --faults} or {@code LSDS_FAULTS_FOLDER_LOCAL}: validate passes,
 * the plan names the script, and the run's one faults folder ({@link RunFaults}) holds it.
 */
class FaultsFolderTest {
  @TempDir Path dir;

  static final String SCENARIO = """
      events:
        - beginning: {web: 2}
        - moment:
            time: 1
            services:
              web:
                - fault: {target: {amount: 1}, custom: {kills_container: no, fault_file_name: waste_cpu, fault_script_arguments: ['2']}}
        - end: 5
      """;

  Path scenario(String environment) throws IOException {
    Path exp = Files.createDirectories(dir.resolve("exp"));
    Files.writeString(exp.resolve("docker-compose.yml"), "services:\n  web: {image: x}\n");
    return Files.writeString(exp.resolve("scenario.yaml"), environment + SCENARIO);
  }

  Path script(String folder, String name) throws IOException {
    Path f = Files.createDirectories(dir.resolve(folder)).resolve(name);
    Files.writeString(f, "#!/bin/sh\nexec yes > /dev/null\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    return f;
  }

  record Outcome(int code, String out, String err) {}

  Outcome cli(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var cli = new CommandLine(new MasterCli());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return new Outcome(cli.execute(args), out.toString(), err.toString());
  }

  @Test void environmentFaults() throws Exception {
    Path s = scenario("environment: {faults: ../shared}\n");
    Path script = script("shared", "waste_cpu");
    var v = cli("validate", s.toString());
    assertThat(v.code()).as(v.err()).isZero();
    var p = cli("plan", s.toString(), "--json");
    assertThat(p.code()).as(p.err()).isZero();
    assertThat(p.out()).contains("waste_cpu");
    try (var f = RunFaults.of(ScenarioLoader.load(s, null))) {
      assertThat(f.merged()).isFalse();
      assertThat(f.dir().resolve("waste_cpu")).isEqualTo(script);
    }
  }

  @Test void faultsOption() throws Exception {
    Path s = scenario("");
    Path script = script("lib", "waste_cpu");
    assertThat(cli("validate", s.toString()).err()).contains("no file 'waste_cpu' in " + dir.resolve("exp/faults") + "/");
    var v = cli("validate", s.toString(), "--faults", dir.resolve("lib").toString());
    assertThat(v.code()).as(v.err()).isZero();
    assertThat(cli("plan", s.toString(), "--faults", dir.resolve("lib").toString()).code()).isZero();
    try (var f = RunFaults.of(ScenarioLoader.load(s, null, dir.resolve("lib"), null))) {
      assertThat(f.dir().resolve("waste_cpu")).isEqualTo(script);
    }
    var missing = cli("validate", s.toString(), "--faults", dir.resolve("nope").toString());
    assertThat(missing.code()).isEqualTo(ExitCodes.INVALID_INPUT);
    assertThat(missing.err()).contains("--faults " + dir.resolve("nope") + " is not a folder");
  }

  @Test void environmentVariable() throws Exception {
    Path s = scenario("");
    Path script = script("lsds", "waste_cpu");
    var args = new ScenarioArgs();
    args.scenario = s;
    var err = new StringWriter();
    var loaded = args.loadOrReport(new PrintWriter(err), Map.of(ScenarioLoader.FAULTS_ENV, dir.resolve("lsds").toString()));
    assertThat(loaded).as(err.toString()).isNotNull();
    assertThat(loaded.faultScripts()).containsEntry("waste_cpu", script);
    assertThat(PlanJson.write(loaded.plan(null))).contains("waste_cpu");
    try (var f = RunFaults.of(loaded)) {
      assertThat(f.dir()).isEqualTo(dir.resolve("lsds"));
    }
  }

  @Test void scriptsFromSeveralFoldersAreMergedIntoOneTemporaryFolderKeepingExecutableBits() throws Exception {
    Path s = scenario("environment: {faults: ../shared}\n");
    Files.writeString(s, Files.readString(s).replace("  - end: 5\n",
        "  - moment: {time: 2, services: {web: [{fault: {target: {amount: 1}, custom: {kills_container: no, fault_file_name: other}}}]}}\n"
            + "  - end: 5\n"));
    script("shared", "waste_cpu");
    script("lib", "other");
    var v = cli("validate", s.toString(), "--faults", dir.resolve("lib").toString());
    assertThat(v.code()).as(v.err()).isZero();
    Path merged;
    try (var f = RunFaults.of(ScenarioLoader.load(s, null, dir.resolve("lib"), null))) {
      merged = f.dir();
      assertThat(f.merged()).isTrue();
      assertThat(merged.resolve("waste_cpu")).isExecutable().hasContent("#!/bin/sh\nexec yes > /dev/null");
      assertThat(merged.resolve("other")).isExecutable();
    }
    assertThat(merged).doesNotExist();
  }
}

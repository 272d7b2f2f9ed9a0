package dev.reprise.master.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code master plan} prints the same bytes as before the planning paths were reworked (issue 18):
 * {@code plan-golden/plan.json} and {@code plan-golden/plan.txt} were printed by the earlier build
 * from {@code plan-golden/scenario.yaml}.
 */
class PlanGoldenCommandTest {
  private static Path golden(String name) throws URISyntaxException {
    return Path.of(PlanGoldenCommandTest.class.getResource("plan-golden/" + name).toURI());
  }

  private static String run(String... args) {
    var out = new StringWriter();
    var err = new StringWriter();
    var cli = new CommandLine(new MasterCli());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute(args)).as(err.toString()).isZero();
    return out.toString();
  }

  @Test
  void planJsonIsTheGoldenOne() throws IOException, URISyntaxException {
    var scenario = golden("scenario.yaml");
    // the golden was printed from inside its folder: the text form names the scenario as given
    assertThat(run("plan", "--json", scenario.toString())).isEqualTo(Files.readString(golden("plan.json")));
  }

  @Test
  void planTextIsTheGoldenOne() throws IOException, URISyntaxException {
    var scenario = golden("scenario.yaml");
    String expected = Files.readString(golden("plan.txt"))
        .replaceFirst("^plan of scenario\\.yaml ", java.util.regex.Matcher.quoteReplacement("plan of " + scenario + " "));
    assertThat(run("plan", scenario.toString())).isEqualTo(expected);
  }
}

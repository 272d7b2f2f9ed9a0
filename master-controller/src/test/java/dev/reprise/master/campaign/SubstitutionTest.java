package dev.reprise.master.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.reprise.fdsl.Diagnostic;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubstitutionTest {
  @TempDir Path dir;

  @Test void usesArePositioned() {
    assertThat(Substitution.uses("a: ${x}\n  b: [${y}, ${x}]\n")).containsExactly(
        new Substitution.Use("x", 1, 4), new Substitution.Use("y", 2, 7), new Substitution.Use("x", 2, 13));
  }

  @Test void valuesReplaceReferences() {
    var s = Substitution.apply(Path.of("f"), "time: ${t}\nrate: ${r}${r}s\nkeep: ${other}\n", Map.of("t", "12.5", "r", "3"));
    assertThat(s.text()).isEqualTo("time: 12.5\nrate: 33s\nkeep: ${other}\n");
  }

  @Test void diagnosticsAfterASubstitutionMoveBackToTheOriginalColumn() {
    Path f = Path.of("f.yaml");
    // line 1: "a: ${long_name} ${b} x" → "a: 1 2 x"
    var s = Substitution.apply(f, "a: ${long_name} ${b} x\n", Map.of("long_name", "1", "b", "2"));
    assertThat(s.text()).isEqualTo("a: 1 2 x\n");
    assertThat(s.remap(new Diagnostic(f, 1, 1, "m")).column()).isEqualTo(1); // before: unchanged
    assertThat(s.remap(new Diagnostic(f, 1, 4, "m")).column()).isEqualTo(4); // the first value: at its ${
    assertThat(s.remap(new Diagnostic(f, 1, 6, "m")).column()).isEqualTo(17); // the second value: at its ${
    assertThat(s.remap(new Diagnostic(f, 1, 8, "m")).column()).isEqualTo(22); // after both
    assertThat(s.remap(new Diagnostic(f, 2, 8, "m")).column()).isEqualTo(8); // another line
    assertThat(s.remap(new Diagnostic(Path.of("other"), 1, 8, "m")).column()).isEqualTo(8); // another file
  }

  @Test void aBadValueIsReportedInTheOriginalFileAtTheReference() throws Exception {
    Files.writeString(dir.resolve("docker-compose.yml"), "services:\n  web:\n    image: reprise/hello:latest\n");
    Path scenario = dir.resolve("s.yaml");
    String text = """
        events:
          - beginning: {web: 1}
          - moment: {time: 1, services: {web: [{fault: {target: {amount: 1}, cpu: {duration: ${d}, cores: 1}}}]}}
          - end: 10
        """;
    Files.writeString(scenario, text);
    var substituted = Substitution.apply(scenario, text, Map.of("d", "soon"));
    assertThatThrownBy(() -> ScenarioLoader.loadText(scenario, substituted.text(), null, null, null))
        .isInstanceOfSatisfying(ScenarioException.class, e -> {
          var d = substituted.remap(e.diagnostics().get(0));
          assertThat(d.file()).isEqualTo(scenario);
          assertThat(d.line()).isEqualTo(3);
          assertThat(d.column()).isEqualTo(text.split("\n")[2].indexOf("${d}") + 1);
        });
  }
}

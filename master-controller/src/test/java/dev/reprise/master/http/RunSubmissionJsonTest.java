package dev.reprise.master.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reprise.master.runqueue.SubmissionException.Problem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One test per rule of {@link RunSubmissionJson}. */
class RunSubmissionJsonTest {
  private static RunSubmissionJson.Result json(String body) {
    return RunSubmissionJson.parseJson(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> fields(RunSubmissionJson.Result r) {
    return r.problems().stream().map(Problem::field).toList();
  }

  private static RunSubmissionJson.Part part(String name, String filename, String text) {
    return new RunSubmissionJson.Part(name, filename, text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aFullJsonSubmission() {
    var r = json("{'name':'n','scenario':'s','compose':'c','seed':3,'faultFiles':{'a.sh':'x'}}");
    assertThat(r.problems()).isEmpty();
    assertThat(r.submission().seed()).isEqualTo(3L);
    assertThat(r.submission().faultFiles()).containsOnlyKeys("a.sh");
  }

  @Test
  void malformedJsonHasLineAndColumn() {
    var r = RunSubmissionJson.parseJson("{\n\"scenario\": }".getBytes(StandardCharsets.UTF_8));
    assertThat(r.problems().get(0).line()).isEqualTo(2);
    assertThat(r.problems().get(0).message()).startsWith("malformed JSON");
  }

  @Test
  void scenarioIsRequired() {
    assertThat(fields(json("{'name':'n'}"))).containsExactly("scenario");
  }

  @Test
  void emptyScenario() {
    assertThat(json("{'scenario':' '}").problems().get(0).message()).isEqualTo("must not be empty");
  }

  @Test
  void unknownField() {
    assertThat(fields(json("{'scenario':'s','faults':{}}"))).containsExactly("faults");
  }

  @Test
  void wrongTypes() {
    assertThat(fields(json("{'scenario':1,'name':[],'compose':{},'seed':1.5,'faultFiles':[]}")))
        .containsExactlyInAnyOrder("scenario", "name", "compose", "seed", "faultFiles");
  }

  @Test
  void faultFileNamesArePlain() {
    assertThat(json("{'scenario':'s','faultFiles':{'../x.sh':'a'}}").problems().get(0).message()).contains("plain file name");
  }

  @Test
  void faultFileMustBeText() {
    assertThat(fields(json("{'scenario':'s','faultFiles':{'x.sh':1}}"))).containsExactly("faultFiles.x.sh");
  }

  @Test
  void multipartParts() {
    var r = RunSubmissionJson.parseMultipart(List.of(part("scenario", "s.yaml", "s"), part("faults", "a.sh", "a"),
        part("faults", "b.sh", "b"), part("seed", null, " 9 "), part("name", null, "n")));
    assertThat(r.problems()).isEmpty();
    assertThat(r.submission().faultFiles()).containsOnlyKeys("a.sh", "b.sh");
    assertThat(r.submission().seed()).isEqualTo(9L);
  }

  @Test
  void multipartProblemsAtOnce() {
    var r = RunSubmissionJson.parseMultipart(List.of(part("seed", null, "x"), part("faults", null, "a"),
        part("faults", "a.sh", "a"), part("faults", "a.sh", "b"), part("other", null, "")));
    assertThat(fields(r)).containsExactly("seed", "faults", "faults", "other", "scenario");
  }
}

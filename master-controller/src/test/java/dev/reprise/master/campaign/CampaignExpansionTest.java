package dev.reprise.master.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CampaignExpansionTest {

  static CampaignFile.Group group(String name, int reps, CampaignFile.Seeds seeds, Map<String, List<String>> matrix, String baseline) {
    return new CampaignFile.Group(name, Path.of("/s.yaml"), "s.yaml", reps, seeds, matrix, Map.of(),
        baseline == null || baseline.equals(CampaignFile.Group.FAULTS_OFF) ? null : Path.of("/" + baseline), baseline, 0,
        CampaignFile.OnFailure.CONTINUE);
  }

  static CampaignFile campaign(CampaignFile.Group... groups) {
    return new CampaignFile(Path.of("/c.yaml"), "", "c", null, 0, 0, CampaignFile.OnFailure.CONTINUE, List.of(groups));
  }

  @Test void theMatrixIsTheCartesianProductFirstParameterSlowest() {
    var matrix = new LinkedHashMap<String, List<String>>();
    matrix.put("rate", List.of("100", "200"));
    matrix.put("size", List.of("1", "2", "3"));
    assertThat(CampaignExpansion.combinations(matrix)).extracting(CampaignExpansion::combinationKey)
        .containsExactly("rate=100,size=1", "rate=100,size=2", "rate=100,size=3", "rate=200,size=1", "rate=200,size=2", "rate=200,size=3");
  }

  @Test void keysAreStableAndBaselinesComeFirstPerCombination() {
    var matrix = new LinkedHashMap<String, List<String>>();
    matrix.put("rate", List.of("100", "200"));
    var c = campaign(group("kill-db", 2, new CampaignFile.Seeds.FromScenario(), matrix, "faults-off"),
        group("plain", 1, new CampaignFile.Seeds.FromScenario(), Map.of(), null));
    var runs = CampaignExpansion.expand(c, g -> 10);
    assertThat(runs).extracting(CampaignExpansion.RunSpec::key).containsExactly(
        "kill-db/rate=100/baseline/rep-0", "kill-db/rate=100/baseline/rep-1", "kill-db/rate=100/rep-0", "kill-db/rate=100/rep-1",
        "kill-db/rate=200/baseline/rep-0", "kill-db/rate=200/baseline/rep-1", "kill-db/rate=200/rep-0", "kill-db/rate=200/rep-1",
        "plain/rep-0");
    assertThat(CampaignExpansion.expand(c, g -> 10)).isEqualTo(runs);
    assertThat(runs.get(0).parameters()).containsEntry("rate", "100");
    assertThat(runs.get(0).baseline()).isTrue();
    assertThat(CampaignExpansion.count(c.groups().get(0))).isEqualTo(8);
  }

  @Test void seedsDefaultToTheScenarioSeedPlusTheRepetition() {
    var runs = CampaignExpansion.expand(campaign(group("g", 3, new CampaignFile.Seeds.FromScenario(), Map.of(), "faults-off")), g -> 789);
    assertThat(runs).extracting(CampaignExpansion.RunSpec::seed).containsExactly(789L, 790L, 791L, 789L, 790L, 791L);
  }

  @Test void listedAndCountedSeeds() {
    assertThat(CampaignExpansion.expand(campaign(group("g", 2, new CampaignFile.Seeds.Listed(List.of(5L, 9L)), Map.of(), null)), g -> 1))
        .extracting(CampaignExpansion.RunSpec::seed).containsExactly(5L, 9L);
    assertThat(CampaignExpansion.expand(campaign(group("g", 3, new CampaignFile.Seeds.Counted(100, 3), Map.of(), null)), g -> 1))
        .extracting(CampaignExpansion.RunSpec::seed).containsExactly(100L, 101L, 102L);
  }
}

package dev.reprise.master.campaign;

import dev.reprise.fdsl.Diagnostic;
import dev.reprise.fdsl.InputFiles;
import dev.reprise.fdsl.LoadedScenario;
import dev.reprise.fdsl.ScenarioException;
import dev.reprise.fdsl.ScenarioLoader;
import dev.reprise.fdsl.plan.Plan;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Loads and plans every run of a campaign before the first one starts, so that every problem (in
 * the campaign file or in any scenario under any parameter combination) is reported at once and
 * nothing is deployed. Diagnostics in a substituted scenario point at the original file, line and
 * column ({@link Substitution.Substituted#remap}). Each scenario is loaded once per combination,
 * planned once per seed.
 */
public final class CampaignPreparer {
  private final String faultsEnvironment;
  private final Map<String, Substitution.Substituted> substitutions = new HashMap<>();

  /** @param faultsEnvironment the value of {@value ScenarioLoader#FAULTS_ENV}, or null */
  public CampaignPreparer(String faultsEnvironment) {
    this.faultsEnvironment = faultsEnvironment;
  }

  /** Every run of {@code campaign}, in order. */
  public List<PreparedRun> prepare(CampaignFile campaign) throws ScenarioException {
    var problems = new LinkedHashSet<Diagnostic>();
    Map<String, LoadedScenario> loads = new HashMap<>();
    substitutions.clear();
    Map<Path, Long> scenarioSeeds = new HashMap<>();
    // the scenario's own seed (as written, parameters substituted with each group's first values)
    for (var group : campaign.groups()) {
      var first = CampaignExpansion.combinations(group.matrix()).get(0);
      var loaded = load(group.scenario(), first, loads, problems);
      if (loaded != null) scenarioSeeds.put(group.scenario(), loaded.scenario().environment().seed());
    }
    if (!problems.isEmpty()) throw new ScenarioException(new ArrayList<>(problems));
    var specs = CampaignExpansion.expand(campaign, g -> scenarioSeeds.get(g.scenario()));
    var out = new ArrayList<PreparedRun>();
    for (var spec : specs) {
      var group = spec.group();
      Path file = spec.baseline() && !group.faultsOff() ? group.baseline() : group.scenario();
      var loaded = load(file, spec.parameters(), loads, problems);
      if (loaded == null) continue;
      Plan plan;
      try {
        plan = loaded.plan(spec.seed());
      } catch (ScenarioException e) {
        var substituted = substitutions.get(file + "\u0000" + spec.parameters());
        e.diagnostics().forEach(d -> problems.add(withContext(substituted.remap(d), spec)));
        continue;
      }
      if (spec.baseline() && group.faultsOff()) plan = FaultsOff.of(plan);
      var env = new LinkedHashMap<String, String>();
      group.composeEnv().forEach((k, v) -> env.put(k, Substitution.apply(null, v, spec.parameters()).text()));
      out.add(new PreparedRun(spec, loaded, plan, PreparedRun.planHash(plan), env));
    }
    if (!problems.isEmpty()) throw new ScenarioException(new ArrayList<>(problems));
    return out;
  }

  private static Diagnostic withContext(Diagnostic d, CampaignExpansion.RunSpec spec) {
    return new Diagnostic(d.file(), d.line(), d.column(), d.message() + " (campaign run " + spec.key() + ", seed " + spec.seed() + ")");
  }

  private LoadedScenario load(Path file, Map<String, String> params, Map<String, LoadedScenario> loads, java.util.Set<Diagnostic> problems) {
    String cacheKey = file + "\u0000" + params;
    if (loads.containsKey(cacheKey)) return loads.get(cacheKey);
    var diagnostics = new ArrayList<Diagnostic>();
    String text = InputFiles.read(file, "scenario", diagnostics);
    LoadedScenario loaded = null;
    if (text == null) problems.addAll(diagnostics);
    else {
      var substituted = Substitution.apply(file, text, params);
      substitutions.put(cacheKey, substituted);
      try {
        loaded = ScenarioLoader.loadText(file, substituted.text(), null, null, faultsEnvironment);
      } catch (ScenarioException e) {
        String combination = params.isEmpty() ? "" : " (with " + CampaignExpansion.combinationKey(params) + ")";
        for (var d : e.diagnostics()) {
          var remapped = substituted.remap(d);
          problems.add(params.isEmpty() || !remapped.file().equals(file) ? remapped
              : new Diagnostic(remapped.file(), remapped.line(), remapped.column(), remapped.message() + combination));
        }
      }
    }
    loads.put(cacheKey, loaded);
    return loaded;
  }
}

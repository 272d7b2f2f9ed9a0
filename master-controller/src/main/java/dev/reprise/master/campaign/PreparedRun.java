package dev.reprise.master.campaign;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.reprise.fdsl.LoadedScenario;
import dev.reprise.fdsl.plan.Plan;
import dev.reprise.fdsl.plan.PlanJson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * One run of a campaign, ready to go: its scenario loaded (parameters substituted), its plan drawn
 * (faults removed for a {@code faults-off} baseline) and hashed.
 *
 * @param spec where it sits in the campaign (key, group, parameters, seed)
 * @param loaded the loaded scenario (the substituted text; the real file's path)
 * @param plan the plan the run fires
 * @param planHash {@link #planHash(Plan)} of {@code plan}
 * @param composeEnv the group's {@code compose_env} with the parameters substituted
 */
public record PreparedRun(CampaignExpansion.RunSpec spec, LoadedScenario loaded, Plan plan, String planHash,
    Map<String, String> composeEnv) {

  /**
   * The sha256 of a plan over the bytes {@code run.json} records it as and {@code master diff}
   * hashes (its {@code PlanJson} tree written back by {@code PlanJson}'s mapper).
   */
  public static String planHash(Plan plan) {
    try {
      var tree = PlanJson.mapper().readTree(PlanJson.write(plan));
      byte[] bytes = PlanJson.mapper().writeValueAsString(tree).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("a plan that cannot be hashed", e);
    }
  }
}

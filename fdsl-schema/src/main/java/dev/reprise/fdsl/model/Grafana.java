package dev.reprise.fdsl.model;

/**
 * The {@code environment.grafana} section (extension): where the master posts the run's fault
 * windows and marks as annotations.
 *
 * @param url the Grafana server's base URL
 * @param tokenFile a file holding the service-account token (kept out of the scenario, which is
 *     shared); relative to the scenario's folder. Null: the {@code GRAFANA_TOKEN} environment variable
 * @param dashboardUid the dashboard to attach the annotations to; null: organisation-wide annotations
 */
public record Grafana(String url, String tokenFile, String dashboardUid) {}

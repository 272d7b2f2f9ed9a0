package dev.reprise.export.campaign;

/**
 * A campaign folder the report cannot be built from: missing, not a directory, without
 * {@code campaign.json}, or with a {@code campaign.json} that is not a campaign manifest. The
 * message says which, as {@code FILE:LINE:COL: message} lines when the file itself is at fault.
 */
public final class InvalidCampaignFolderException extends IllegalArgumentException {
  public InvalidCampaignFolderException(String message) {
    super(message);
  }
}

package dev.reprise.master.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The control plane's bearer token: {@code Authorization: Bearer <token>} on every request but
 * {@code GET /health}, compared in constant time. Immutable; thread-safe.
 */
public final class TokenCheck {
  private final byte[] token;

  private TokenCheck(String token) {
    if (token == null || token.isBlank()) throw new IllegalArgumentException("the token must not be empty");
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  /** A check against {@code token} as given. */
  public static TokenCheck of(String token) {
    return new TokenCheck(token.strip());
  }

  /**
   * The token in {@code file} (its first line, trimmed).
   *
   * @throws IOException when it cannot be read or is empty
   */
  public static TokenCheck fromFile(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8).strip();
    int nl = text.indexOf('\n');
    if (nl >= 0) text = text.substring(0, nl).strip();
    if (text.isEmpty()) throw new IOException(file + ": the token file is empty");
    return new TokenCheck(text);
  }

  /**
   * The token in {@code file}, made first when it does not exist: 32 random bytes, base64url,
   * written to a new file of mode 0600 (created so, never readable by others in between).
   */
  public static TokenCheck generated(Path file) throws IOException {
    if (Files.exists(file)) return fromFile(file);
    Files.createDirectories(file.toAbsolutePath().getParent());
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rw-------");
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(owner));
    } catch (FileAlreadyExistsException e) {
      return fromFile(file);
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    return new TokenCheck(token);
  }

  /** Whether {@code authorization} (the header's value, null when absent) carries this token. */
  public boolean accepts(String authorization) {
    if (authorization == null) return false;
    String prefix = "Bearer ";
    if (authorization.length() < prefix.length() || !authorization.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return false;
    }
    byte[] given = authorization.substring(prefix.length()).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(token, given);
  }

  /** The token itself (for a client in the same process, e.g. tests). */
  public String token() {
    return new String(token, StandardCharsets.UTF_8);
  }
}

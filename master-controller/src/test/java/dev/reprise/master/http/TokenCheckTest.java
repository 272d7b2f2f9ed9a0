package dev.reprise.master.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCheckTest {
  @TempDir Path dir;

  @Test
  void acceptsOnlyTheBearerToken() {
    var check = TokenCheck.of("abc");
    assertThat(check.accepts("Bearer abc")).isTrue();
    assertThat(check.accepts("bearer abc")).isTrue();
    assertThat(check.accepts("Bearer abcd")).isFalse();
    assertThat(check.accepts("Bearer ab")).isFalse();
    assertThat(check.accepts("Basic abc")).isFalse();
    assertThat(check.accepts("abc")).isFalse();
    assertThat(check.accepts(null)).isFalse();
  }

  @Test
  void generatesAPrivateTokenFileOnceAndReusesIt() throws IOException {
    Path file = dir.resolve("state/token");
    var first = TokenCheck.generated(file);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(first.token()).hasSizeGreaterThanOrEqualTo(40);
    assertThat(Files.readString(file).strip()).isEqualTo(first.token());
    assertThat(TokenCheck.generated(file).token()).isEqualTo(first.token());
  }

  @Test
  void readsAGivenTokenFile() throws IOException {
    Path file = Files.writeString(dir.resolve("t"), "  xyz \n");
    assertThat(TokenCheck.fromFile(file).accepts("Bearer xyz")).isTrue();
  }

  @Test
  void anEmptyTokenFileIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("t"), "\n");
    assertThatThrownBy(() -> TokenCheck.fromFile(file)).isInstanceOf(IOException.class).hasMessageContaining("empty");
  }
}

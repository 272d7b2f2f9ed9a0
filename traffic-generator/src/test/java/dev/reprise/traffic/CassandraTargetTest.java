package dev.reprise.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class CassandraTargetTest {

  @Test
  void classifiesDriverExceptions() {
    assertThat(CassandraTarget.failure(new DriverTimeoutException("Query timed out after PT2S")))
        .satisfies(f -> {
          assertThat(f.kind()).isEqualTo(ErrorKind.TIMEOUT);
          assertThat(f.causeClass()).isEqualTo("DriverTimeoutException");
        });
    assertThat(CassandraTarget.failure(new CompletionException(new NoNodeAvailableException())).kind())
        .isEqualTo(ErrorKind.NO_HOST);
    assertThat(CassandraTarget.failure(new IllegalStateException("boom")).kind()).isEqualTo(ErrorKind.OTHER);
  }

  @Test
  void tableIdsAreStablePerKeyspaceAndTable() {
    assertThat(CassandraTarget.tableId("ks", "kv")).isEqualTo(CassandraTarget.tableId("ks", "kv"))
        .isNotEqualTo(CassandraTarget.tableId("ks", "wide")).isNotEqualTo(CassandraTarget.tableId("ks2", "kv"));
  }
}

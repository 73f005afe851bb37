package org.pantri.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncStateTest {
  @TempDir Path tmp;
  static final String A = "a".repeat(40);
  static final String B = "b".repeat(40);

  @Test
  void recordsAndReloadsPerShelf() throws Exception {
    Path dir = tmp.resolve(".pantri");
    SyncState s = SyncState.load(dir);
    assertThat(s.commit("mac")).isNull();
    s.record("mac", A);
    s.record("win", B);
    s.record("mac", B);
    SyncState again = SyncState.load(dir);
    assertThat(again.commit("mac")).isEqualTo(B);
    assertThat(again.commit("win")).isEqualTo(B);
    assertThat(again.commit("linux")).isNull();
    assertThat(Files.readString(dir.resolve("state.json"))).contains("\"version\" : 1");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
    }
  }

  @Test
  void anUnreadableOrForgedStateIsForgottenNotTrusted() throws Exception {
    Files.createDirectories(tmp);
    Files.writeString(tmp.resolve("state.json"), "{not json");
    assertThat(SyncState.load(tmp).commit("mac")).isNull();
    Files.writeString(tmp.resolve("state.json"),
        "{\"shelves\": {\"mac\": {\"commit\": \"HEAD; rm -rf /\"}, \"win\": {\"commit\": \"" + A + "\"}}}");
    SyncState s = SyncState.load(tmp);
    assertThat(s.commit("mac")).isNull();
    assertThat(s.commit("win")).isEqualTo(A);
  }
}

package org.pantri.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path tmp;

  @Test
  void writeReplacesWholeOrNotAtAllAndLeavesNoTempFile() throws Exception {
    Path t = tmp.resolve("f");
    Files.writeString(t, "old");
    assertThatThrownBy(() -> AtomicFiles.write(t, x -> {
      Files.writeString(x, "half");
      throw new IOException("disk full");
    })).hasMessage("disk full");
    assertThat(Files.readString(t)).isEqualTo("old");
    AtomicFiles.write(t, "new".getBytes());
    assertThat(Files.readString(t)).isEqualTo("new");
    try (var l = Files.list(tmp)) {
      assertThat(l.map(p -> p.getFileName().toString())).containsExactly("f");
    }
  }

  @Test
  void copyKeepsTheSourceMtime() throws Exception {
    Path s = Files.writeString(tmp.resolve("s"), "x");
    Files.setLastModifiedTime(s, FileTime.fromMillis(1_500_000_000_000L));
    Path t = tmp.resolve("t");
    AtomicFiles.copy(s, t);
    assertThat(Files.getLastModifiedTime(t).toMillis()).isEqualTo(1_500_000_000_000L);
    // short and pid-stamped, whatever the target's name: a 250-byte name still has a temp name
    String temp = AtomicFiles.tempBeside(tmp.resolve("x".repeat(250))).getFileName().toString();
    assertThat(temp).startsWith(AtomicFiles.TMP_PREFIX + ProcessHandle.current().pid() + "-");
    assertThat(temp.length()).isLessThanOrEqualTo(41);
  }
}

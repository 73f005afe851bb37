package org.pantri.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Walking shelves/: regular files only, links reported and never followed, nested .git skipped. */
class ShelfWalkerTest {
  @TempDir Path tmp;

  @Test
  void findsRegularFilesAndRefusesLinks() throws Exception {
    Path shelves = Files.createDirectories(tmp.resolve("shelves"));
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "s");
    Path mac = Files.createDirectories(shelves.resolve("mac/a b/日本"));
    Path f = Files.writeString(mac.resolve("tool 😀.pkg"), "12345");
    // mtime in whole seconds, truncated (1500000000.999 s -> 1500000000)
    Files.setLastModifiedTime(f, FileTime.fromMillis(1_500_000_000_999L));
    Files.createSymbolicLink(shelves.resolve("mac/link.pkg"), outside.resolve("secret"));
    Files.createSymbolicLink(shelves.resolve("mac/dirlink"), outside);
    Files.createDirectories(shelves.resolve("mac/.git"));
    Files.writeString(shelves.resolve("mac/.git/config"), "x");
    ShelfWalker.Result r = new ShelfWalker(shelves).walk(List.of(shelves.resolve("mac")));
    assertThat(r.files()).containsOnlyKeys("mac/a b/日本/tool 😀.pkg");
    ShelfWalker.Found found = r.files().get("mac/a b/日本/tool 😀.pkg");
    assertThat(found.size()).isEqualTo(5);
    assertThat(found.mtimeSeconds()).isEqualTo(1_500_000_000L);
    assertThat(found.file()).isEqualTo(f);
    assertThat(r.refused()).hasSize(2).anyMatch(s -> s.startsWith("mac/link.pkg: symbolic link"))
        .anyMatch(s -> s.startsWith("mac/dirlink: symbolic link"));
  }
}

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

  /**
   * A directory past {@link ShelfWalker#PARALLEL_FROM} entries is stat'ed on several threads: every
   * kind of entry still lands where a one-thread walk puts it, and the files come back sorted.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0} entries")
  @org.junit.jupiter.params.provider.ValueSource(ints = {ShelfWalker.PARALLEL_FROM + 700,
      2 * ShelfWalker.BATCH + ShelfWalker.PARALLEL_FROM / 2 + 3}) // two parallel batches, one not
  void aLargeDirectoryWalkedOnSeveralThreadsSortsEveryEntryAsOneThreadWould(int n) throws Exception {
    Path shelves = Files.createDirectories(tmp.resolve("shelves"));
    Path big = Files.createDirectories(shelves.resolve("win"));
    java.util.Set<String> files = new java.util.TreeSet<>();
    java.util.Set<String> links = new java.util.TreeSet<>();
    java.util.Set<String> leftovers = new java.util.TreeSet<>();
    for (int i = 0; i < n; i++) {
      String name = String.format("f%05d.bin", (i * 7919) % n); // created out of order
      switch (i % 50) {
        case 0 -> {
          Files.createSymbolicLink(big.resolve(name), tmp);
          links.add("win/" + name);
        }
        case 1 -> {
          Files.writeString(big.resolve(".pantri-tmp-1-" + i), "partial");
          leftovers.add(".pantri-tmp-1-" + i);
        }
        case 2 -> {
          Files.createDirectories(big.resolve("sub" + i));
          Files.writeString(big.resolve("sub" + i + "/inner.bin"), "x" + i);
          files.add("win/sub" + i + "/inner.bin");
        }
        case 3 -> {
          Files.writeString(big.resolve(name + ".pitem"), "{}");
          files.add("win/" + name + ".pitem"); // found, never in the sorted candidates
        }
        default -> {
          Files.writeString(big.resolve(name), "content " + i);
          files.add("win/" + name);
        }
      }
    }
    Files.createDirectories(big.resolve(".git/objects"));
    Files.writeString(big.resolve(".git/objects/x"), "nested repository");
    ShelfWalker.Result r = new ShelfWalker(shelves).walk(List.of(shelves));
    assertThat(r.inPathOrder().stream().map(ShelfWalker.Found::shelvesPath).toList())
        .as("the files to store, sorted").containsExactlyElementsOf(files.stream().filter(f -> !f.endsWith(".pitem")).toList());
    assertThat(r.files().keySet()).containsExactlyInAnyOrderElementsOf(files);
    String plain = files.stream().filter(f -> f.matches("win/f\\d+\\.bin")).findFirst().orElseThrow();
    assertThat(r.files().get(plain).size()).isEqualTo(Files.size(shelves.resolve(plain)));
    assertThat(r.refused()).hasSize(links.size()).allMatch(x -> x.contains(": symbolic link, not followed"));
    assertThat(r.refused().stream().map(x -> x.substring(0, x.indexOf(':'))).sorted().toList())
        .containsExactlyElementsOf(links);
    assertThat(r.leftovers().stream().map(x -> x.getFileName().toString()).sorted().toList())
        .containsExactlyElementsOf(leftovers);
  }

  @Test
  void aStartGivenTwiceOrInsideAnotherIsWalkedOnce() throws Exception {
    Path shelves = Files.createDirectories(tmp.resolve("shelves"));
    Files.createDirectories(shelves.resolve("mac/x"));
    Files.writeString(shelves.resolve("mac/x/a.pkg"), "a");
    Files.writeString(shelves.resolve("mac/b.pkg"), "b");
    ShelfWalker.Result r = new ShelfWalker(shelves).walk(
        List.of(shelves.resolve("mac/x/a.pkg"), shelves.resolve("mac"), shelves.resolve("mac/x")));
    assertThat(r.files().keySet()).containsExactlyInAnyOrder("mac/b.pkg", "mac/x/a.pkg");
    assertThat(r.inPathOrder()).extracting(ShelfWalker.Found::shelvesPath).containsExactly("mac/b.pkg", "mac/x/a.pkg");
  }
}

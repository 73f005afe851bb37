package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.pitem.Pitem;
import org.pantri.repo.Layout;
import org.pantri.scan.Hasher;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;
import org.pantri.testsupport.TestServers;

/**
 * A file system that really fills up (a tmpfs of a few hundred KiB mounted for the test) under
 * a retrieve's destination and under the fs store: the run fails naming the cause and what to do,
 * nothing partial is left at a final path or behind a pitem, and once there is room a rerun
 * completes. Mounting needs root (CI runs as root); elsewhere the test is skipped.
 */
class DiskFullTest {
  private static final int FILES = 4;
  private static final int SIZE = 150_000;
  @TempDir Path tmp;
  private final List<Path> mounts = new ArrayList<>();

  @AfterEach
  void unmount() throws Exception {
    for (Path m : mounts) {
      sh("umount", "-l", m.toString());
    }
  }

  private static int sh(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    if (rc != 0) {
      System.err.println(String.join(" ", cmd) + ": exit " + rc + ": " + out.trim());
    }
    return rc;
  }

  private void tmpfs(Path dir, String size) throws Exception {
    Files.createDirectories(dir);
    if (sh("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()) != 0) {
      String msg = "cannot mount a tmpfs at " + dir + " (needs root): the full-disk tests cannot run";
      if (TestServers.inCi()) {
        fail(msg);
      }
      assumeTrue(false, msg);
    }
    mounts.add(dir);
  }

  private static void resize(Path dir, String size) throws Exception {
    assertThat(sh("mount", "-o", "remount,size=" + size, dir.toString())).isZero();
  }

  private static RepoFixture packages(RepoFixture f) throws IOException {
    for (int i = 0; i < FILES; i++) {
      f.binary("mac/p" + i + ".pkg", SIZE, 500 + i);
    }
    return f;
  }

  @Test
  void retrieveIntoAFullDestinationFailsCleanlyAndAResumeCompletes() throws Exception {
    RepoFixture f = packages(new RepoFixture(tmp));
    assertThat(f.store().code()).isZero();
    f.commitAndPush("packages");
    tmpfs(f.dest, "400k"); // room for two of the four files

    Pantri.Out full = f.retrieve();
    assertThat(full.code()).as(full.toString()).isEqualTo(1);
    assertThat(full.stderr()).contains("No space left on device").contains("free space");
    Map<String, String> want = f.expectedDest();
    Map<String, String> have = RepoFixture.tree(f.dest);
    assertThat(have.size()).as(full.toString()).isLessThan(FILES);
    for (Map.Entry<String, String> e : have.entrySet()) {
      assertThat(want).as("whatever reached a final path is complete").containsEntry(e.getKey(), e.getValue());
    }
    assertNoTempFiles(f.dest);

    resize(f.dest, "4m");
    Pantri.Out again = f.retrieve();
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(want);
    assertNoTempFiles(f.dest);
    try (Stream<Path> partial = Files.list(f.dest.resolve(".pantri/partial"))) {
      assertThat(partial).isEmpty();
    }
  }

  @Test
  void storeIntoAFullStoreWritesPitemsOnlyForWholeObjectsAndARerunCompletes() throws Exception {
    RepoFixture f = packages(new RepoFixture(tmp));
    tmpfs(f.store, "400k");

    Pantri.Out full = f.store();
    assertThat(full.code()).as(full.toString()).isEqualTo(1);
    assertThat(full.stderr()).contains("No space left on device").contains("free space");
    assertThat(pitemsPointToWholeObjects(f)).as(full.toString()).isLessThan(FILES);

    resize(f.store, "4m");
    Pantri.Out again = f.store();
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(pitemsPointToWholeObjects(f)).isEqualTo(FILES);
    try (Stream<Path> s = Files.walk(f.store)) {
      assertThat(s.filter(Files::isRegularFile).filter(p -> p.startsWith(f.store.resolve("sha256"))).count())
          .as("one object per distinct file, nothing else under sha256/").isEqualTo(FILES);
    }
  }

  /** Every pitem names an object in the fs store holding exactly its file; returns how many. */
  private static int pitemsPointToWholeObjects(RepoFixture f) throws Exception {
    Map<String, Pitem> pitems = f.pitems();
    for (Map.Entry<String, Pitem> e : pitems.entrySet()) {
      String sha = e.getValue().sha256();
      Path object = f.store.resolve(Layout.CONTENT.key(e.getKey(), sha));
      assertThat(object).as("object of " + e.getKey()).exists();
      assertThat(Hasher.hash(object).sha256()).as("object of " + e.getKey()).isEqualTo(sha);
      assertThat(Hasher.hash(f.author.resolve("shelves").resolve(e.getKey())).sha256()).as(e.getKey()).isEqualTo(sha);
    }
    return pitems.size();
  }

  private static void assertNoTempFiles(Path dir) throws IOException {
    assertThat(RepoFixture.noTempFiles(dir)).as("no .pantri-tmp file under " + dir).isTrue();
  }
}

package org.pantri.store.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.store.PutMeta;
import org.pantri.store.StagingStore;

/** The fs store's group commit: staged objects are invisible until published, then whole. */
class FsStoreStagingTest {
  @TempDir Path tmp;

  private Path file(String name, int size, long seed) throws Exception {
    return org.pantri.testsupport.RandomFiles.write(tmp, name, size, seed);
  }

  private static PutMeta meta(Path f) throws Exception {
    return new PutMeta(Files.size(f), 1_600_000_123L, null);
  }

  private static List<Path> stagingDirs(Path root) throws Exception {
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".staging")).toList();
    }
  }

  @Test
  void stagedObjectsAreInvisibleUntilPublishedThenWholeWithTheirMtime() throws Exception {
    FsStore store = new FsStore(tmp.resolve("store"));
    store.prepare();
    List<StagingStore.Staged> staged = new ArrayList<>();
    List<Path> sources = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Path f = file("f" + i, 1000 + i * 700, i);
      sources.add(f);
      staged.add(store.stage("sha256/ab/cd/obj" + i, f, meta(f)));
    }
    for (int i = 0; i < 20; i++) {
      assertThat(store.stat("sha256/ab/cd/obj" + i)).isEmpty();
    }
    assertThat(store.list("")).isEmpty(); // the staging directory is no object, nor are its files
    assertThat(store.publish(staged)).isEmpty();
    assertThat(store.syncsFileSystem()).isTrue(); // this Linux has syncfs(2) through sync -f
    for (int i = 0; i < 20; i++) {
      Path obj = store.root().resolve("sha256/ab/cd/obj" + i);
      assertThat(obj).hasSameBinaryContentAs(sources.get(i));
      assertThat(Files.getLastModifiedTime(obj)).isEqualTo(FileTime.fromMillis(1_600_000_123_000L));
    }
    assertThat(store.list("sha256/")).hasSize(20);
    assertThat(stagingDirs(store.root())).hasSize(1);
    store.close();
    assertThat(stagingDirs(store.root())).isEmpty();
  }

  @Test
  void withoutSyncfsEachFileIsSyncedAndStillPublished() throws Exception {
    for (List<String> broken : List.of(List.of("/nonexistent/sync"), List.of("false"))) {
      Path root = tmp.resolve("store-" + broken.get(0).replace('/', '_'));
      FsStore store = new FsStore(root, broken);
      store.prepare();
      Path f = file("x", 5000, 9);
      StagingStore.Staged s = store.stage("a/b", f, meta(f));
      assertThat(store.publish(List.of(s))).isEmpty();
      assertThat(store.syncsFileSystem()).isFalse();
      assertThat(root.resolve("a/b")).hasSameBinaryContentAs(f);
      store.close();
    }
  }

  @Test
  void anObjectWhoseDirectoryIsOnAnotherFileSystemIsCopiedBesideItsNameAndStillPublished() throws Exception {
    Path other = Files.createTempDirectory(Path.of("/dev/shm"), "pantri-test-");
    try {
      assertThat(Files.getFileStore(other)).as("/dev/shm must be a mount of its own for this test")
          .isNotEqualTo(Files.getFileStore(tmp));
      Path root = tmp.resolve("store");
      Files.createDirectories(root);
      Files.createSymbolicLink(root.resolve("sha256"), other); // the objects live elsewhere: rename fails with EXDEV
      FsStore store = new FsStore(root);
      store.prepare();
      Path f = file("x", 70_000, 4);
      StagingStore.Staged s = store.stage("sha256/ab/cd/obj", f, meta(f));
      assertThat(store.publish(List.of(s))).isEmpty();
      assertThat(other.resolve("ab/cd/obj")).hasSameBinaryContentAs(f);
      assertThat(Files.getLastModifiedTime(other.resolve("ab/cd/obj"))).isEqualTo(FileTime.fromMillis(1_600_000_123_000L));
      try (Stream<Path> left = Files.list(stagingDirs(root).get(0))) {
        assertThat(left.map(p -> p.getFileName().toString())).containsExactly(".lock");
      }
      try (Stream<Path> left = Files.list(other.resolve("ab/cd"))) {
        assertThat(left.map(p -> p.getFileName().toString())).containsExactly("obj"); // no temp beside it
      }
      store.close();
    } finally {
      try (Stream<Path> all = Files.walk(other)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aDiscardedObjectIsNeverPublishedAndAFailedRenameFailsOnlyItsObject() throws Exception {
    FsStore store = new FsStore(tmp.resolve("store"));
    store.prepare();
    Path f = file("x", 3000, 1);
    StagingStore.Staged gone = store.stage("k/gone", f, meta(f));
    store.discard(gone);
    StagingStore.Staged ok = store.stage("k/ok", f, meta(f));
    // a directory where the object should go: its rename fails, the other's does not
    Files.createDirectories(store.root().resolve("k/blocked/x"));
    StagingStore.Staged blocked = store.stage("k/blocked", f, meta(f));
    Map<StagingStore.Staged, java.io.IOException> failed = store.publish(List.of(ok, blocked));
    assertThat(failed).containsOnlyKeys(blocked);
    assertThat(store.stat("k/ok")).isPresent();
    assertThat(store.stat("k/gone")).isEmpty();
    try (Stream<Path> s = Files.list(stagingDirs(store.root()).get(0))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly(".lock"); // nothing staged is left
    }
    store.close();
  }

  @Test
  void aKilledRunsStagingDirectoryIsRemovedAndALiveOnesIsKept() throws Exception {
    Path root = tmp.resolve("store");
    FsStore live = new FsStore(root);
    live.prepare();
    Path f = file("x", 100, 2);
    live.stage("a", f, meta(f)); // live's staging directory now exists and is locked
    // a run killed while it had staged objects: a child JVM that stages one and is killed -9
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), StageAndWait.class.getName(), root.toString(), f.toString())
        .redirectErrorStream(true).start();
    assertThat(child.getInputStream().read()).as("the child staged its object").isEqualTo('s');
    for (Path d : stagingDirs(root)) {
      Files.setLastModifiedTime(d, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    }
    new FsStore(root).prepare();
    assertThat(stagingDirs(root)).as("a live run's directory, however old, is kept").hasSize(2);
    child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    assertThat(stagingDirs(root)).hasSize(2);
    Path dead = stagingDirs(root).stream().filter(p -> !p.getFileName().toString()
        .contains("-" + ProcessHandle.current().pid() + "-")).findFirst().orElseThrow();
    Files.setLastModifiedTime(dead, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    FsStore next = new FsStore(root);
    next.prepare();
    assertThat(stagingDirs(root)).as("only the live run's directory is left").hasSize(1).doesNotContain(dead);
    live.close();
    assertThat(stagingDirs(root)).isEmpty();
  }

  @Test
  void aStagingDirectoryWithoutItsLockIsRemovedOnceItIsNoLongerFresh() throws Exception {
    Path root = tmp.resolve("store");
    Path old = root.resolve(".pantri-tmp-999999999-ab.staging"); // killed before it made its .lock
    Path fresh = root.resolve(".pantri-tmp-999999998-cd.staging"); // maybe a live run about to make it
    Files.createDirectories(old);
    Files.createDirectories(fresh);
    Files.write(old.resolve("1"), new byte[10]);
    Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    new FsStore(root).prepare();
    assertThat(stagingDirs(root)).containsExactly(fresh);
  }

  /** A writer that stages one object, says so, and waits to be killed. */
  public static final class StageAndWait {
    public static void main(String[] args) throws Exception {
      FsStore s = new FsStore(Path.of(args[0]));
      s.prepare();
      s.stage("killed/obj", Path.of(args[1]), new PutMeta(Files.size(Path.of(args[1])), 1, null));
      System.out.write('s');
      System.out.flush();
      Thread.sleep(600_000);
    }
  }
}

package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.pitem.Pitem;
import org.pantri.pitem.PitemCodec;
import org.pantri.scan.Hasher;
import org.pantri.scan.ShelfWalker;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/**
 * kill -9 of {@code store} at 28 seeded points spread over a run, each followed by a count of what
 * the dead run left: temp files, pitems whose object is missing or wrong, pitems of files that are
 * not binaries of the work tree (junk). A rerun must clean up and finish exactly.
 */
class StoreKillTest {
  @TempDir Path tmp;

  record Damage(int leftovers, int orphanPitems, int junkPitems, int badObjects) {}

  static Damage inspect(RepoFixture f) throws Exception {
    int leftovers = 0;
    int orphans = 0;
    int junk = 0;
    Path shelves = f.author.resolve("shelves");
    try (Stream<Path> s = Files.walk(shelves)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (ShelfWalker.isPantriTemp(name) || name.contains(".tmp")) {
          leftovers++;
          continue;
        }
        if (!name.endsWith(".pitem")) {
          continue;
        }
        String rel = shelves.relativize(p).toString();
        String binaryRel = rel.substring(0, rel.length() - ".pitem".length());
        Path binary = shelves.resolve(binaryRel);
        if (!Files.isRegularFile(binary) || ShelfWalker.isPantriTemp(binary.getFileName().toString())
            || Files.size(binary) == 0) {
          junk++;
          continue;
        }
        Pitem pi = PitemCodec.read(p, binaryRel);
        String sha = pi.sha256();
        Path obj = f.store.resolve("sha256/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha);
        if (!Files.isRegularFile(obj) || !Hasher.hash(obj).sha256().equals(sha)) {
          orphans++;
        }
      }
    }
    return new Damage(leftovers, orphans, junk, badObjects(f.store));
  }

  /** Objects under their final name whose bytes are not the content that name says: none, ever. */
  static int badObjects(Path store) throws Exception {
    Path objects = store.resolve("sha256");
    if (!Files.isDirectory(objects)) {
      return 0;
    }
    int bad = 0;
    try (Stream<Path> s = Files.walk(objects)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String name = p.getFileName().toString();
        if (Files.isRegularFile(p) && !ShelfWalker.isPantriTemp(name) && !Hasher.hash(p).sha256().equals(name)) {
          bad++;
        }
      }
    }
    return bad;
  }

  /** Staging directories (the fs store's group commit) in the store's root. */
  static List<Path> stagingDirectories(Path store) throws Exception {
    if (!Files.isDirectory(store)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(store)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".staging")).toList();
    }
  }

  @Test
  void twentyEightKillsLeaveNoOrphanOrJunkAndEachRerunCleansUp() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    Random rnd = new Random(7);
    // many small files: most of a run is uploads and pitem writes, where a kill leaves most behind
    for (int i = 0; i < 300; i++) {
      f.binary("mac/d" + (i % 7) + "/pkg" + i + ".pkg", 2_000 + rnd.nextInt(30_000), i);
    }
    f.binary("mac/large.dmg", 12_000_000, 999);
    f.text("mac/readme.txt", "text stays in git\n");
    // one full run to learn how long a store takes here; kill points are spread over that span
    // the shortest of two full runs: kill points must fall inside even a fast run
    long fullMs = Long.MAX_VALUE;
    for (int i = 0; i < 2; i++) {
      wipeStored(f);
      long t0 = System.nanoTime();
      Pantri.Out first = f.store();
      fullMs = Math.min(fullMs, (System.nanoTime() - t0) / 1_000_000);
      assertThat(first.code()).as(first.toString()).isZero();
    }
    List<String> log = new ArrayList<>();
    int kills = 0;
    int totalLeftovers = 0;
    int maxStaging = 0;
    Random seeded = new Random(20261202);
    for (int k = 0; k < 28; k++) {
      // Three runs in four start from nothing stored (walk, hash, uploads, pitems all ahead);
      // every fourth resumes what the killed run before it left.
      if (k % 4 != 3) {
        wipeStored(f);
      }
      maxStaging = Math.max(maxStaging, stagingDirectories(f.store).size());
      // from a quarter of the way in (hashing done, uploads and pitems under way) to three quarters
      long delay = fullMs / 4 + seeded.nextInt((int) Math.max(200, fullMs / 2));
      Process p = f.pantri.builder(f.author, "store").redirectErrorStream(true)
          .redirectOutput(tmp.resolve("kill-" + k + ".log").toFile()).start();
      if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        kills++;
      }
      Damage d = inspect(f);
      log.add("kill " + k + " at " + delay + " ms: " + d);
      totalLeftovers += d.leftovers();
      assertThat(d.orphanPitems()).as("pitems without their object after " + log).isZero();
      assertThat(d.junkPitems()).as("junk pitems after " + log).isZero();
      assertThat(d.badObjects()).as("objects with wrong bytes after " + log).isZero();
    }
    assertThat(kills).as("runs actually killed: " + log).isGreaterThanOrEqualTo(20);
    assertThat(maxStaging).as("killed runs' staging directories seen (the kills hit the group commit)").isPositive();
    Thread.sleep(2_100); // a staging directory younger than 2 s may be a live run's that is not yet locked
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    Damage end = inspect(f);
    assertThat(end).as("after the rerun (leftovers seen over all kills: " + totalLeftovers + ")")
        .isEqualTo(new Damage(0, 0, 0, 0));
    assertThat(stagingDirectories(f.store)).as("staging directories of the killed runs").isEmpty();
    // every binary has its pitem, nothing else has one, and git sees no binary
    try (Stream<Path> st = Files.walk(f.author.resolve("shelves"))) {
      long pitems = st.filter(p -> p.toString().endsWith(".pitem")).count();
      assertThat(pitems).isEqualTo(301);
    }
    String status = f.pantri.git(f.author, "status", "--porcelain", "--untracked-files=all");
    assertThat(status.lines().filter(l -> !l.endsWith(".pitem") && !l.endsWith(".gitignore")))
        .as(status).containsExactly("?? shelves/mac/readme.txt");
    assertThat(Files.readString(f.author.resolve(".gitignore"))).doesNotContain("tmp");
  }

  /**
   * Removes every pitem and every stored object: the next store starts from nothing. Killed runs'
   * staging directories stay, for the next runs to find.
   */
  private static void wipeStored(RepoFixture f) throws Exception {
    for (Path root : List.of(f.author.resolve("shelves"), f.store.resolve("sha256"))) {
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.toList()) {
          if (Files.isRegularFile(p) && (!root.endsWith("shelves") || p.toString().endsWith(".pitem"))) {
            Files.delete(p);
          }
        }
      }
    }
  }
}

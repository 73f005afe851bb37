package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.pitem.Pitem;
import org.pantri.pitem.PitemCodec;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/** SIGKILL at random points of store and retrieve, then rerun: exact results, no orphan pitems. */
class KillTest {
  @TempDir Path tmp;

  private static void killAfter(Process p, long millis) throws Exception {
    if (!p.waitFor(millis, TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  /** Every pitem in the author's shelves names an object that exists with the right bytes. */
  private static void assertNoOrphanPitems(RepoFixture f) throws Exception {
    try (Stream<Path> s = Files.walk(f.author.resolve("shelves"))) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.toString().endsWith(".pitem")) {
          String rel = f.author.resolve("shelves").relativize(p).toString();
          Pitem pi = PitemCodec.read(p, rel.substring(0, rel.length() - 6));
          String sha = pi.sha256();
          Path obj = f.store.resolve("sha256/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha);
          assertThat(obj).as("object of " + rel).exists();
          assertThat(org.pantri.scan.Hasher.hash(obj).sha256()).isEqualTo(sha);
        }
      }
    }
  }

  @Test
  void killedStoreAndRetrieveFinishOnRerun() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    Random rnd = new Random(42);
    for (int i = 0; i < 40; i++) {
      f.binary("mac/pkg" + i + ".pkg", 100_000 + rnd.nextInt(400_000), i);
    }
    f.binary("mac/large.dmg", 20_000_000, 99);
    for (long delay : new long[] {700, 1100, 1500}) {
      Process p = f.pantri.builder(f.author, "store").redirectErrorStream(true)
          .redirectOutput(tmp.resolve("store-kill.log").toFile()).start();
      killAfter(p, delay);
      assertNoOrphanPitems(f);
    }
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    assertNoOrphanPitems(f);
    try (Stream<Path> st = Files.walk(f.author.resolve("shelves"))) {
      assertThat(st.filter(p -> p.toString().endsWith(".pitem")).count()).isEqualTo(41);
    }
    f.commitAndPush("many");

    f.pantri.git(f.server, "pull", "-q");
    for (long delay : new long[] {700, 1000, 1300}) {
      Process p = f.pantri.builder(f.server, "retrieve", "-d", f.dest.toString()).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("retrieve-kill.log").toFile()).start();
      killAfter(p, delay);
      // whatever is at a final path is complete and correct
      for (var e : RepoFixture.tree(f.dest).entrySet()) {
        assertThat(f.expectedDest()).containsEntry(e.getKey(), e.getValue());
      }
    }
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    try (Stream<Path> st = Files.walk(f.dest.resolve("mac"))) {
      assertThat(st.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".pantri-tmp"));
    }
  }

  @Test
  void sigtermStopsCleanlyWithExit130() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    // 400 uploads one at a time, each synced to disk: seconds of work after the first pitem,
    // against the milliseconds a signal takes, so the run cannot finish before SIGTERM lands
    int files = 400;
    for (int i = 0; i < files; i++) {
      f.binary("mac/p" + i + ".pkg", 100_000, i);
    }
    Process p = f.pantri.builder(f.author, "store", "-J", "1").redirectErrorStream(true)
        .redirectOutput(tmp.resolve("term.log").toFile()).start();
    Path mac = f.author.resolve("shelves/mac");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (pitems(mac) == 0 && p.isAlive() && System.nanoTime() < until) {
      Thread.sleep(2);
    }
    p.destroy(); // SIGTERM, once uploads are under way
    assertThat(p.waitFor(40, TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(tmp.resolve("term.log"));
    assertThat(p.exitValue()).as(log).isEqualTo(130);
    assertThat(log).contains("interrupted");
    assertThat(pitems(mac)).isPositive().isLessThan(files);
    assertNoOrphanPitems(f);
    assertThat(f.store().code()).isZero();
    assertThat(pitems(mac)).isEqualTo(files);
    assertNoOrphanPitems(f);
  }

  private static long pitems(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".pitem")).count();
    }
  }
}

package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/** retrieve --atomic: readers see one generation or the next, never a mixture; rollback; kill -9. */
class AtomicDestinationTest {
  @TempDir Path tmp;

  /** A commit of {@code n} binaries and text files whose MANIFEST lists every file's SHA-256. */
  private static void version(RepoFixture f, int n, long seed) throws Exception {
    StringBuilder manifest = new StringBuilder();
    Random r = new Random(seed);
    for (int i = 0; i < n; i++) {
      String rel = "mac/d" + (i % 10) + "/f" + i + (i % 3 == 0 ? ".txt" : ".pkg");
      Path p = i % 3 == 0 ? f.text(rel, "text " + i + " of version " + seed + "\n")
          : f.binary(rel, 2000 + r.nextInt(30_000), seed * 1000 + i);
      manifest.append(org.pantri.scan.Hasher.hash(p).sha256()).append("  ").append(rel).append('\n');
    }
    f.text("mac/MANIFEST", manifest.toString());
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    f.commitAndPush("version " + seed);
  }

  private static final String READER = String.join("\n",
      "import hashlib, os, sys, time",
      "dest, stop, out = sys.argv[1], sys.argv[2], sys.argv[3]",
      "walks = bad = 0; seen = set()",
      "while not os.path.exists(stop):",
      "    try:",
      "        root = os.path.realpath(dest)  # a server resolves the link once per request / walk",
      "        m = open(os.path.join(root, 'mac', 'MANIFEST')).read().splitlines()",
      "    except OSError:",
      "        time.sleep(0.01); continue",
      "    seen.add(root)",
      "    for line in m:",
      "        sha, rel = line.split('  ', 1)",
      "        try:",
      "            got = hashlib.sha256(open(os.path.join(root, rel), 'rb').read()).hexdigest()",
      "        except OSError:",
      "            got = 'missing'",
      "        if got != sha: bad += 1",
      "    walks += 1",
      "open(out, 'w').write('%d %d %d' % (walks, bad, len(seen)))");

  @Test
  void readersSeeOneGenerationOrTheNextNeverAMixture() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    version(f, 150, 1);
    Path dest = tmp.resolve("served");
    Pantri.Out first = f.pantri.run(f.server, "retrieve", "--atomic", "-d", dest.toString());
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(Files.isSymbolicLink(dest)).isTrue();
    Path gen1 = dest.toRealPath();
    version(f, 150, 2); // every file changes
    Path script = tmp.resolve("reader.py");
    Files.writeString(script, READER);
    Path stop = tmp.resolve("stop");
    Path out = tmp.resolve("reader.out");
    Process reader = new ProcessBuilder("python3", script.toString(), dest.toString(), stop.toString(), out.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("reader.log").toFile()).start();
    Thread.sleep(300);
    Pantri.Out second = f.pantri.run(f.server, "retrieve", "--atomic", "-d", dest.toString());
    Thread.sleep(300);
    Files.writeString(stop, "");
    assertThat(reader.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.code()).as(second.toString()).isZero();
    String[] res = Files.readString(out).trim().split(" ");
    assertThat(Integer.parseInt(res[0])).as("walks").isGreaterThan(2);
    assertThat(Integer.parseInt(res[1])).as("files that did not match their generation's MANIFEST").isZero();
    assertThat(Integer.parseInt(res[2])).as("generations seen").isBetween(1, 2);
    // the new generation has the commit exactly; the old one is kept for rollback
    assertThat(RepoFixture.tree(dest.toRealPath())).isEqualTo(f.expectedDest());
    assertThat(gen1).exists();
    Pantri.Out back = f.pantri.run(f.server, "rollback", "-d", dest.toString());
    assertThat(back.code()).as(back.toString()).isZero();
    assertThat(dest.toRealPath()).isEqualTo(gen1);
  }

  @Test
  void unchangedFilesAreHardLinksAndOnlyKeptGenerationsStay() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    version(f, 30, 1);
    Path dest = tmp.resolve("served");
    assertThat(f.pantri.run(f.server, "retrieve", "--atomic", "-d", dest.toString()).code()).isZero();
    Path g1 = dest.toRealPath();
    f.binary("mac/new.pkg", 5000, 77);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("one more");
    for (int i = 0; i < 3; i++) {
      Pantri.Out r = f.pantri.run(f.server, "retrieve", "--atomic", "--force", "-d", dest.toString());
      assertThat(r.code()).as(r.toString()).isZero();
    }
    Path live = dest.toRealPath();
    Object inodeOld = Files.getAttribute(g1.resolveSibling(live.getFileName()).resolve("mac/d1/f1.pkg"), "unix:ino");
    assertThat(live).isNotEqualTo(g1);
    try (var s = Files.list(live.getParent())) {
      assertThat(s.filter(p -> p.getFileName().toString().matches("\\d+"))).hasSize(2);
    }
    assertThat(RepoFixture.tree(live)).isEqualTo(f.expectedDest());
    assertThat(Files.getAttribute(live.resolve("mac/d1/f1.pkg"), "unix:nlink")).isEqualTo(2);
    assertThat(inodeOld).isNotNull();
  }

  @Test
  void killedAtomicRetrieveKeepsServingTheOldTreeAndTheRerunFinishes() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    version(f, 100, 1);
    Path dest = tmp.resolve("served");
    assertThat(f.pantri.run(f.server, "retrieve", "--atomic", "-d", dest.toString()).code()).isZero();
    Path g1 = dest.toRealPath();
    java.util.Map<String, String> before = RepoFixture.tree(g1);
    version(f, 100, 2);
    for (long delay : new long[] {400, 800, 1200}) {
      Process p = f.pantri.builder(f.server, "retrieve", "--atomic", "-d", dest.toString()).redirectErrorStream(true)
          .redirectOutput(tmp.resolve("kill.log").toFile()).start();
      if (!p.waitFor(delay, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor();
        if (dest.toRealPath().equals(g1)) {
          assertThat(RepoFixture.tree(g1)).as("the served tree after a kill").isEqualTo(before);
        }
      }
    }
    Pantri.Out r = f.pantri.run(f.server, "retrieve", "--atomic", "-d", dest.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(dest.toRealPath())).isEqualTo(f.expectedDest());
  }

  @Test
  void aPlainDirectoryIsNotTurnedAtomicBehindTheOperatorsBack() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    version(f, 3, 1);
    assertThat(f.retrieve().code()).isZero();
    Pantri.Out r = f.retrieve("--atomic");
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.stderr()).contains("plain directory").contains("mv ");
    assertThat(Files.isSymbolicLink(f.dest)).isFalse();
  }
}

package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.scan.Hasher;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/** Retrieve never puts unverified bytes at a final path, and says which object failed (issue 12). */
class RetrieveReliabilityTest {
  @TempDir Path tmp;
  RepoFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new RepoFixture(tmp);
  }

  @Test
  void pathLayoutWithOneContentAtFivePathsDeliversFiveExactCopiesWithEightJobs() throws Exception {
    for (int i = 0; i < 5; i++) {
      f.binary("mac/copy" + i + "/big.dmg", 8 << 20, 42);
    }
    Pantri.Out s = f.store("--layout", "path");
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(RepoFixture.tree(f.store)).hasSize(5);
    f.commitAndPush("five copies");
    for (int run = 0; run < 3; run++) {
      Pantri.Out r = f.retrieve("--layout", "path", "-J", "8", "--force");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
      for (int i = 0; i < 5; i++) {
        f.dest.resolve("mac/copy" + i + "/big.dmg").toFile().delete();
      }
    }
    try (var l = Files.list(f.dest.resolve(".pantri/partial"))) {
      assertThat(l).isEmpty();
    }
  }

  @Test
  void aPitemWithTheRightShaButWrongSizeFailsByNameAndTheGoodOneIsDelivered() throws Exception {
    Path good = f.binary("mac/good.pkg", 100_000, 7);
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    String sha256 = Hasher.hash(good).sha256();
    String sha1 = Hasher.hash(good).sha1();
    // a second pitem naming the same content with a size one byte too large (hand-edited, say)
    Path bad = f.author.resolve("shelves/mac/bad.pkg.pitem");
    Files.writeString(bad, "{\n  \"mac/bad.pkg\": {\n    \"file_size\": 100001,\n    \"modified_time\": 1500000000,\n"
        + "    \"sha1_hash\": \"" + sha1 + "\",\n    \"sha256_hash\": \"" + sha256 + "\"\n  }\n}");
    f.commitAndPush("good and bad");
    Pantri.Out r = f.retrieve("--retries", "0");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(f.dest.resolve("mac/good.pkg")).hasSameBinaryContentAs(good);
    assertThat(f.dest.resolve("mac/bad.pkg")).doesNotExist();
    assertThat(r.stderr()).contains("mac/bad.pkg");
  }

  @Test
  void aFifoInTheFsStoreFailsLikeAnUnreadableObjectInsteadOfHanging() throws Exception {
    Path a = f.binary("mac/a.pkg", 5000, 3);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("a");
    String sha = Hasher.hash(a).sha256();
    Path obj;
    try (var w = Files.walk(f.store)) {
      obj = w.filter(p -> p.getFileName().toString().equals(sha)).findFirst().orElseThrow();
    }
    Files.delete(obj);
    Process p = new ProcessBuilder("mkfifo", obj.toString()).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    long t0 = System.nanoTime();
    Pantri.Out r = f.retrieve("--retries", "0");
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(60);
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.stderr()).contains("mac/a.pkg").contains("not a regular file");
    assertThat(f.dest.resolve("mac/a.pkg")).doesNotExist();
  }

  @Test
  void storageUrlNamingARegularFileSaysSo() throws Exception {
    f.binary("mac/a.pkg", 100, 4);
    Path file = tmp.resolve("not-a-dir");
    Files.writeString(file, "x", StandardCharsets.UTF_8);
    Pantri.Out s = f.store("--storage_url", file.toString());
    assertThat(s.code()).as(s.toString()).isNotZero();
    assertThat(s.stderr()).contains(file + " is a file, not a directory; storage_url for the fs store must name a directory");
    f.store();
    f.commitAndPush("a");
    Pantri.Out r = f.retrieve("--storage_url", file.toString());
    assertThat(r.code()).as(r.toString()).isNotZero();
    assertThat(r.stderr()).contains(file + " is a file, not a directory");
  }
}

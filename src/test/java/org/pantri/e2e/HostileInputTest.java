package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/** Malformed and hostile inputs are refused with clear messages; good files still arrive. */
class HostileInputTest {
  @TempDir Path tmp;
  RepoFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new RepoFixture(tmp);
  }

  private void pitem(String rel, String json) throws Exception {
    Path p = f.author.resolve("shelves").resolve(rel);
    Files.createDirectories(p.getParent());
    Files.writeString(p, json, StandardCharsets.UTF_8);
  }

  private static String body(String key) {
    return "{\"" + key + "\": {\"file_size\": 3, \"modified_time\": 1, \"sha1_hash\": \"" + "a".repeat(40)
        + "\", \"sha256_hash\": \"" + "b".repeat(64) + "\"}}";
  }

  @Test
  void hostilePitemsAreRefusedAndNothingLeavesDest() throws Exception {
    f.binary("mac/good.pkg", 5000, 1);
    assertThat(f.store().code()).isZero();
    pitem("mac/up.pkg.pitem", body("../../../../tmp/pwned"));
    pitem("mac/abs.pkg.pitem", body("/etc/pwned"));
    pitem("mac/back.pkg.pitem", body("mac\\\\back.pkg"));
    pitem("mac/nul.pkg.pitem", body("mac/nul\\u0000.pkg"));
    pitem("mac/other.pkg.pitem", body("mac/somewhere-else.pkg"));
    pitem("mac/broken.pkg.pitem", "{\"mac/broken.pkg\": {\"file_size\": ");
    pitem("mac/array.pkg.pitem", "[1, 2, 3]");
    f.commitAndPush("hostile");
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isEqualTo(6);
    for (String name : new String[] {"up.pkg", "abs.pkg", "back.pkg", "nul.pkg", "other.pkg", "broken.pkg", "array.pkg"}) {
      assertThat(r.stderr()).as(name).contains("shelves/mac/" + name + ".pitem");
    }
    assertThat(f.dest.resolve("mac/good.pkg")).hasSameBinaryContentAs(f.author.resolve("shelves/mac/good.pkg"));
    assertThat(Path.of("/tmp/pwned")).doesNotExist();
    assertThat(Path.of("/etc/pwned")).doesNotExist();
    Map<String, String> dest = RepoFixture.tree(f.dest);
    assertThat(dest.keySet()).allMatch(k -> k.startsWith("mac/"));
    assertThat(dest).containsOnlyKeys("mac/good.pkg");
    // refused inputs keep the shelf unsynced, so the problem is reported again, with what to do
    assertThat(r.stderr()).contains("mac: not recorded as synced at ")
        .contains("; fix or remove the refused files in git, then rerun");
    assertThat(f.retrieve().code()).isEqualTo(6);
  }

  @Test
  void symlinkInShelvesIsNeverFollowed() throws Exception {
    f.binary("mac/good.pkg", 5000, 2);
    Path secret = tmp.resolve("secret.bin");
    Files.write(secret, new byte[] {0, 1, 2, 3});
    Files.createSymbolicLink(f.author.resolve("shelves/mac/link.pkg"), secret);
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isEqualTo(6);
    assertThat(s.stderr()).contains("mac/link.pkg").contains("symbolic link");
    assertThat(f.author.resolve("shelves/mac/good.pkg.pitem")).exists();
    assertThat(f.author.resolve("shelves/mac/link.pkg.pitem")).doesNotExist();
    assertThat(RepoFixture.tree(f.store)).hasSize(1);
    // committed as a link, retrieve refuses to copy it instead of following it
    f.commitAndPush("with link");
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isEqualTo(6);
    assertThat(r.stderr()).contains("shelves/mac/link.pkg");
    assertThat(f.dest.resolve("mac/link.pkg")).doesNotExist();
    assertThat(f.dest.resolve("mac/good.pkg")).exists();
  }

  @Test
  void corruptObjectFailsThatFileOnlyAndNextRunFinishes() throws Exception {
    f.binary("mac/a.pkg", 20_000, 3);
    f.binary("mac/b.pkg", 20_000, 4);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("two");
    String sha = org.pantri.scan.Hasher.hash(f.author.resolve("shelves/mac/a.pkg")).sha256();
    Path obj = f.store.resolve("sha256/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha);
    byte[] good = Files.readAllBytes(obj);
    byte[] bad = good.clone();
    bad[100] ^= 0x55;
    Files.write(obj, bad);
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.stderr()).contains("mac/a.pkg").contains("SHA-256");
    assertThat(f.dest.resolve("mac/a.pkg")).doesNotExist();
    assertThat(f.dest.resolve("mac/b.pkg")).hasSameBinaryContentAs(f.author.resolve("shelves/mac/b.pkg"));
    // no temp files at final paths
    try (var s = Files.walk(f.dest.resolve("mac"))) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("pantri-tmp"));
    }
    Files.write(obj, good);
    Pantri.Out again = f.retrieve();
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(f.dest.resolve("mac/a.pkg")).hasSameBinaryContentAs(f.author.resolve("shelves/mac/a.pkg"));
  }

  @Test
  void missingObjectIsAClearErrorAndOthersArrive() throws Exception {
    f.binary("mac/a.pkg", 1000, 5);
    f.binary("mac/b.pkg", 1000, 6);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("two");
    String sha = org.pantri.scan.Hasher.hash(f.author.resolve("shelves/mac/a.pkg")).sha256();
    Files.delete(f.store.resolve("sha256/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha));
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.stderr()).contains("mac/a.pkg").contains("not found");
    assertThat(f.dest.resolve("mac/b.pkg")).exists();
  }

  @Test
  void lockedDestinationIsReportedWithHolderPid() throws Exception {
    f.binary("mac/a.pkg", 1000, 7);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("one");
    Path lockFile = f.dest.resolve(".pantri/lock");
    Files.createDirectories(lockFile.getParent());
    Files.writeString(lockFile, "424242\n");
    try (var ch = java.nio.channels.FileChannel.open(lockFile, java.nio.file.StandardOpenOption.WRITE);
        var lock = ch.lock()) {
      Pantri.Out r = f.retrieve();
      assertThat(r.code()).isEqualTo(7);
      assertThat(r.stderr()).contains("424242");
    }
    // a stale lock file from a dead process is simply taken over
    assertThat(f.retrieve().code()).isZero();
  }

  @Test
  void unknownShelfAndNotARepositoryAreClear() throws Exception {
    Pantri.Out r = f.retrieve("-s", "nope");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.stderr()).contains("no shelf named 'nope'");
    Pantri.Out n = f.pantri.run(tmp, "store");
    assertThat(n.code()).isEqualTo(3);
    assertThat(n.stderr()).contains("not inside a git repository");
  }

  @Test
  void badConfigIsAClearError() throws Exception {
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\npassword = \"hunter2\"\n");
    Pantri.Out r = f.store();
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.stderr()).contains("secrets never go in the committed config").doesNotContain("hunter2");
    Files.writeString(f.author.resolve("pantri.toml"), "[default\nbroken");
    assertThat(f.store().stderr()).contains("pantri.toml is not valid TOML");
  }
}

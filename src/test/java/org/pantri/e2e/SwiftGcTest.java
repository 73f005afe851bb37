package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.scan.Hasher;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;
import org.pantri.testsupport.TestServers;

/** gc against the real Swift: a collected SLO goes with its segments; live segments stay; abandoned ones go. */
@Tag("swift")
class SwiftGcTest {
  @TempDir Path tmp;
  String container;

  @BeforeEach
  void server() {
    TestServers.requireSwift();
    container = "gc-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private String swift(Path cwd, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("swift", "-A", TestServers.SWIFT_AUTH, "-U",
        TestServers.SWIFT_USER, "-K", TestServers.SWIFT_KEY));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  private static String key(Path file) throws Exception {
    String sha = Hasher.hash(file).sha256();
    return "sha256/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha;
  }

  @Test
  void collectsSloWithItsSegmentsAndAbandonedSegmentsOnly() throws Exception {
    RepoFixture f = new RepoFixture(tmp, "");
    String segs = container + "_segments";
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\nobject_store = \"swift\"\n"
        + "auth_url = \"" + TestServers.SWIFT_AUTH + "\"\nobject_store_container = \"" + container + "\"\n"
        + "segment_container = \"" + segs + "\"\nsegment_size = 1048576\n");
    f.pantri.git(f.author, "add", "pantri.toml");
    f.pantri.git(f.author, "commit", "-q", "-m", "swift config");
    f.pantri.git(f.author, "push", "-q");
    f.pantri.env("ST_AUTH", TestServers.SWIFT_AUTH).env("ST_USER", TestServers.SWIFT_USER)
        .env("ST_KEY", TestServers.SWIFT_KEY);
    try {
      Path live = f.binary("mac/live.dmg", 3 * 1048576 + 100, 1);   // 4 segments
      Path small = f.binary("mac/small.pkg", 5000, 2);
      assertThat(f.store().code()).isZero();
      f.commitAndPush("live");
      Path dead = f.binary("mac/dead.dmg", 2 * 1048576 + 100, 3);   // 3 segments, never committed
      assertThat(f.store(f.author.resolve("shelves/mac/dead.dmg").toString()).code()).isZero();
      Files.delete(f.author.resolve("shelves/mac/dead.dmg.pitem"));
      Path deadSmall = f.binary("mac/dead-small.pkg", 4000, 4);                 // a plain object, never committed
      assertThat(f.store(f.author.resolve("shelves/mac/dead-small.pkg").toString()).code()).isZero();
      Files.delete(f.author.resolve("shelves/mac/dead-small.pkg.pitem"));
      // an upload abandoned half-way: one segment, no manifest
      String ghost = "sha256/ab/cd/" + "abcd".repeat(16);
      Path seg = tmp.resolve("seg");
      Files.write(seg, new byte[1000]);
      swift(tmp, "upload", segs, seg.toString(), "--object-name",
          container + "/" + ghost + "/slo/" + "abcd".repeat(16) + "/1048576/00000001");
      assertThat(swift(tmp, "list", segs).lines().count()).isEqualTo(8);

      Pantri.Out report = f.pantri.run(f.author, "gc", "--grace", "0", "--json");
      assertThat(report.code()).as(report.toString()).isZero();
      assertThat(report.stdout()).contains(key(dead)).contains(key(deadSmall)).doesNotContain("\"" + key(live) + "\"");
      assertThat(swift(tmp, "list", segs).lines().count()).isEqualTo(8);

      Pantri.Out gc = f.pantri.run(f.author, "gc", "--grace", "0", "--delete");
      assertThat(gc.code()).as(gc.toString()).isZero();
      assertThat(swift(tmp, "list", container).lines().toList()).containsExactlyInAnyOrder(key(live), key(small));
      List<String> left = swift(tmp, "list", segs).lines().toList();
      String liveKey = key(live);
      assertThat(left).hasSize(4).allMatch(s -> s.startsWith(container + "/" + liveKey + "/slo/"));

      Pantri.Out r = f.retrieve();
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(f.dest.resolve("mac/live.dmg")).hasSameBinaryContentAs(live);
      assertThat(small).exists();
      assertThat(dead).exists();
    } finally {
      new ProcessBuilder("swift", "-A", TestServers.SWIFT_AUTH, "-U", TestServers.SWIFT_USER, "-K",
          TestServers.SWIFT_KEY, "delete", container).start().waitFor();
      new ProcessBuilder("swift", "-A", TestServers.SWIFT_AUTH, "-U", TestServers.SWIFT_USER, "-K",
          TestServers.SWIFT_KEY, "delete", segs).start().waitFor();
    }
  }
}

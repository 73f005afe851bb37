package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;
import org.pantri.testsupport.TestServers;

/** store → commit → clone → retrieve through the real Swift server, driven by the CLI. */
@Tag("swift")
class SwiftEndToEndTest {
  @TempDir Path tmp;
  String container;

  @BeforeEach
  void server() {
    TestServers.requireSwift();
    container = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private RepoFixture fixture(String layout) throws Exception {
    RepoFixture f = new RepoFixture(tmp, "");
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\nobject_store = \"swift\"\n"
        + "auth_url = \"" + TestServers.SWIFT_AUTH + "\"\nobject_store_container = \"" + container + "\"\n"
        + "segment_container = \"" + container + "_segments\"\nsegment_size = 1048576\nlayout = \"" + layout + "\"\n");
    f.pantri.git(f.author, "add", "pantri.toml");
    f.pantri.git(f.author, "commit", "-q", "-m", "swift config");
    f.pantri.git(f.author, "push", "-q");
    f.pantri.env("ST_AUTH", TestServers.SWIFT_AUTH).env("ST_USER", TestServers.SWIFT_USER)
        .env("ST_KEY", TestServers.SWIFT_KEY);
    return f;
  }

  private String swiftCli(Path cwd, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("swift", "-A", TestServers.SWIFT_AUTH, "-U",
        TestServers.SWIFT_USER, "-K", TestServers.SWIFT_KEY));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void roundTripWithSloAndDedup() throws Exception {
    RepoFixture f = fixture("content");
    for (int i = 0; i < 20; i++) {
      f.binary("mac/small" + i + ".pkg", 10_000 + i, i);
    }
    f.binary("mac/big.dmg", 3 * 1048576 + 12345, 100); // 4 SLO segments
    f.binary("win/copy-of-small0.pkg", 10_000, 0);     // identical to mac/small0.pkg
    f.text("mac/postinstall.sh", "echo hi\n");
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    f.commitAndPush("swift packages");
    String listing = swiftCli(tmp, "list", container);
    assertThat(listing.lines().count()).isEqualTo(21); // 20 small + big; the copy is stored once
    assertThat(swiftCli(tmp, "list", container + "_segments").lines().count()).isEqualTo(4);

    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    Pantri.Out again = f.retrieve();
    assertThat(again.stderr()).contains("already up to date");
    // storing again sends nothing
    Pantri.Out s2 = f.store("--json");
    assertThat(s2.code()).isZero();
    assertThat(s2.stdout()).contains("\"bytes\" : 0");
  }

  @Test
  void segmentSizeIsRaisedWhenTheFileWouldNeedMoreSegmentsThanOneManifestMayList() throws Exception {
    RepoFixture f = fixture("content");
    // 1,100 segments of 1 KiB would be refused by the manifest (max_manifest_segments = 1000)
    f.binary("mac/many.dmg", 1100 * 1024, 5);
    Pantri.Out s = f.store("--segment_size", "1024", "-J", "8");
    assertThat(s.code()).as(s.toString()).isZero();
    long segments = swiftCli(tmp, "list", container + "_segments").lines().count();
    assertThat(segments).isBetween(2L, 1000L);
    // The whole object is there (not read back: Swift rate-limits GETs of SLOs made of small
    // segments to one segment a second after the tenth).
    String sha = org.pantri.scan.Hasher.hash(f.author.resolve("shelves/mac/many.dmg")).sha256();
    String stat = swiftCli(tmp, "stat", container, org.pantri.repo.Layout.CONTENT.key("mac/many.dmg", sha));
    assertThat(stat).contains("Content Length: " + 1100 * 1024).contains("X-Static-Large-Object: True");
  }

  @Test
  void passwordFileAuthAndAuthCommand() throws Exception {
    RepoFixture f = fixture("content");
    f.pantri.env("ST_AUTH", "").env("ST_USER", "").env("ST_KEY", "");
    Path pw = f.author.resolve(".pantri_password");
    Files.writeString(pw, "{\"username\": \"" + TestServers.SWIFT_USER + "\", \"password\": \"" + TestServers.SWIFT_KEY + "\"}");
    Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
    Pantri.Out test = f.pantri.run(f.author, "auth", "--test");
    assertThat(test.code()).isEqualTo(4);
    Pantri.Out auth = f.pantri.run(f.author, "auth", "-p");
    assertThat(auth.code()).as(auth.toString()).isZero();
    assertThat(auth.stdout() + auth.stderr()).doesNotContain(TestServers.SWIFT_KEY).doesNotContain("AUTH_tk");
    Path token = f.author.resolve(".pantri_auth_token");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(token))).isEqualTo("rw-------");
    assertThat(f.pantri.run(f.author, "auth", "--test").code()).isZero();
    f.binary("mac/a.pkg", 5000, 1);
    Pantri.Out s = f.store("-p");
    assertThat(s.code()).as(s.toString()).isZero();
    // both secret files exist and git ignores them ("!!"), never offers them for commit ("??")
    assertThat(f.pantri.git(f.author, "status", "--porcelain", "--ignored"))
        .contains("!! .pantri_password\n", "!! .pantri_auth_token\n")
        .doesNotContain("?? .pantri_password", "?? .pantri_auth_token");
    // wrong password: clear error, exit 4, the password never printed
    Files.writeString(pw, "{\"username\": \"" + TestServers.SWIFT_USER + "\", \"password\": \"wrong-s3cret\"}");
    Files.delete(token);
    Pantri.Out bad = f.store("-p");
    assertThat(bad.code()).as(bad.toString()).isEqualTo(4);
    assertThat(bad.stderr()).doesNotContain("wrong-s3cret");
  }

  @Test
  void pathLayoutInteroperatesWithTheSwiftCli() throws Exception {
    RepoFixture f = fixture("path");
    // an object the original tool (python-swiftclient) uploaded, named by its path under shelves/
    Path legacy = tmp.resolve("upload/legacy/tool.pkg");
    Files.createDirectories(legacy.getParent());
    Files.write(legacy, new byte[] {0, 9, 8, 7, 6, 5});
    swiftCli(tmp.resolve("upload"), "upload", container, "legacy/tool.pkg");
    String sha1 = EndToEndTest.hex("SHA-1", Files.readAllBytes(legacy));
    String sha256 = EndToEndTest.hex("SHA-256", Files.readAllBytes(legacy));
    Path pitem = f.author.resolve("shelves/legacy/tool.pkg.pitem");
    Files.createDirectories(pitem.getParent());
    Files.writeString(pitem, "{\n  \"legacy/tool.pkg\": {\n    \"file_size\": 6,\n    \"modified_time\": 1500000000,\n"
        + "    \"sha1_hash\": \"" + sha1 + "\",\n    \"sha256_hash\": \"" + sha256 + "\"\n  }\n}");
    // and one Pantri stores in the path layout, which the swift CLI must download intact
    f.binary("mac/tools/app.pkg", 2_500_000, 7); // SLO in 1 MiB segments
    assertThat(f.store().code()).isZero();
    f.commitAndPush("legacy + new");
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(Files.readAllBytes(f.dest.resolve("legacy/tool.pkg"))).isEqualTo(Files.readAllBytes(legacy));
    Path dl = tmp.resolve("dl");
    Files.createDirectories(dl);
    swiftCli(dl, "download", container, "mac/tools/app.pkg");
    assertThat(dl.resolve("mac/tools/app.pkg")).hasSameBinaryContentAs(f.author.resolve("shelves/mac/tools/app.pkg"));
    // the default content layout reads the same container: missing sha256/ keys fall back to the path
    Path dest2 = tmp.resolve("dest2");
    Pantri.Out c = f.pantri.run(f.server, "retrieve", "--layout", "content", "-d", dest2.toString());
    assertThat(c.code()).as(c.toString()).isZero();
    assertThat(Files.readAllBytes(dest2.resolve("legacy/tool.pkg"))).isEqualTo(Files.readAllBytes(legacy));
    assertThat(dest2.resolve("mac/tools/app.pkg")).hasSameBinaryContentAs(f.author.resolve("shelves/mac/tools/app.pkg"));
  }

  @Test
  void unreachableServerIsAClearError() throws Exception {
    RepoFixture f = fixture("content");
    f.pantri.env("ST_AUTH", "http://127.0.0.1:9/auth/v1.0");
    f.binary("mac/a.pkg", 100, 1);
    // a refused connection may be a server restarting: retried like a transfer, then reported
    Pantri.Out s = f.store("--retries", "1");
    assertThat(s.code()).as(s.toString()).isIn(4, 5);
    assertThat(s.stderr()).contains("retry 1: ").contains("127.0.0.1:9");
    assertThat(f.author.resolve("shelves/mac/a.pkg.pitem")).doesNotExist();
  }

  @Test
  void retrieveFromAMissingContainerFailsOnceAndCreatesNothing() throws Exception {
    RepoFixture f = fixture("content");
    f.binary("mac/a.pkg", 5000, 3);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("a");
    String typo = container + "-typo";
    Pantri.Out r = f.retrieve("--object_store_container", typo);
    assertThat(r.code()).as(r.toString()).isEqualTo(5);
    assertThat(r.stderr()).contains("container '" + typo + "' does not exist").contains("object_store_container");
    assertThat(swiftCli(tmp, "list")).doesNotContain(typo).contains(container);
  }
}

package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/** Where the original Python tool and Pantri must agree so that neither re-stores the other's files. */
class OriginalCompatTest {
  @TempDir Path tmp;

  private static String python(String script, String... args) throws Exception {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("python3", "-c", script));
    cmd.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void modifiedTimeIsPythonsIntOfGetmtime() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    Path bin = f.binary("mac/edge.pkg", 5000, 1);
    // 0.05 µs before a whole second: the double Python computes rounds up to it
    Files.setLastModifiedTime(bin, FileTime.from(Instant.ofEpochSecond(1_733_097_599L, 999_999_950)));
    String py = python("import os,sys; print(int(os.path.getmtime(sys.argv[1])))", bin.toString());
    assertThat(py).isEqualTo("1733097600");
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(Files.readString(f.author.resolve("shelves/mac/edge.pkg.pitem")))
        .contains("\"modified_time\": " + py + ",");
    // and the next store sees nothing changed (no re-hash, no rewrite)
    Pantri.Out again = f.store("--json");
    assertThat(again.stdout()).contains("\"stored\" : [ ]");
  }

  @Test
  void unchangedPitemWrittenByPython2IsLeftByteForByte() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    Path bin = f.binary("mac/tool.pkg", 5000, 2);
    assertThat(f.store().code()).isZero();
    Path pitem = f.author.resolve("shelves/mac/tool.pkg.pitem");
    // Python 2.7's json.dump(indent=2, sort_keys=True) writes ", " before every newline
    String py2 = python("import json,sys\n"
        + "d = json.load(open(sys.argv[1]))\n"
        + "sys.stdout.write(json.dumps(d, indent=2, sort_keys=True, separators=(', ', ': ')))", pitem.toString());
    assertThat(py2).contains(", \n");
    Files.writeString(pitem, py2);
    byte[] before = Files.readAllBytes(pitem);
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(Files.readAllBytes(pitem)).isEqualTo(before);
    Pantri.Out forced = f.store("--checksum");
    assertThat(forced.code()).as(forced.toString()).isZero();
    assertThat(Files.readAllBytes(pitem)).isEqualTo(before);
    // a real change is written in the original's (Python 3) form
    Files.write(bin, new byte[] {0, 1, 2, 3});
    assertThat(f.store().code()).isZero();
    assertThat(Files.readString(pitem)).doesNotContain(", \n");
  }

  @Test
  void swiftMtimeHeaderIsSwiftclientsSoTheOriginalSeesNoChange() throws Exception {
    org.pantri.testsupport.TestServers.requireSwift();
    String container = "compat-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    RepoFixture f = new RepoFixture(tmp);
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\nobject_store = \"swift\"\nauth_url = \""
        + org.pantri.testsupport.TestServers.SWIFT_AUTH + "\"\nobject_store_container = \"" + container
        + "\"\nlayout = \"path\"\n");
    f.pantri.env("ST_AUTH", org.pantri.testsupport.TestServers.SWIFT_AUTH)
        .env("ST_USER", org.pantri.testsupport.TestServers.SWIFT_USER)
        .env("ST_KEY", org.pantri.testsupport.TestServers.SWIFT_KEY);
    Path bin = f.binary("mac/tool.pkg", 5000, 1);
    Files.setLastModifiedTime(bin, FileTime.from(Instant.ofEpochSecond(1_700_000_000L, 123_456_789)));
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    String expected = python("import os,sys; print('%f' % os.path.getmtime(sys.argv[1]))", bin.toString());
    assertThat(expected).isEqualTo("1700000000.123457");
    Process p = new ProcessBuilder("swift", "-A", org.pantri.testsupport.TestServers.SWIFT_AUTH, "-U",
        org.pantri.testsupport.TestServers.SWIFT_USER, "-K", org.pantri.testsupport.TestServers.SWIFT_KEY,
        "stat", container, "mac/tool.pkg").redirectErrorStream(true).start();
    String stat = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(stat).isZero();
    assertThat(stat).containsPattern("Meta Mtime: " + java.util.regex.Pattern.quote(expected));
  }
}

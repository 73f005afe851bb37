package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/** store → commit → push → clone → retrieve with real git and real processes, fs store. */
class EndToEndTest {
  @TempDir Path tmp;
  RepoFixture f;

  @BeforeEach
  void setUp() throws Exception {
    f = new RepoFixture(tmp);
  }

  @Test
  void roundTripThenChangesDeletesAndRenames() throws Exception {
    f.binary("mac/tools/App.pkg", 300_000, 1);
    f.binary("mac/tools/Same.pkg", 300_000, 1); // identical content
    f.binary("win/driver.msi", 50_000, 2);
    f.text("mac/tools/postinstall.sh", "#!/bin/sh\necho hi\n");
    f.text("win/readme.txt", "read me\n");
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(f.pantri.git(f.author, "status", "--porcelain", "--untracked-files=all")).doesNotContain("App.pkg\n")
        .contains("App.pkg.pitem");
    f.commitAndPush("packages");
    assertThat(f.pantri.git(f.author, "status", "--porcelain", "--untracked-files=all")).isEmpty();
    // identical content is stored once in the content layout
    assertThat(RepoFixture.tree(f.store)).hasSize(2);

    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    assertThat(Files.getLastModifiedTime(f.dest.resolve("mac/tools/App.pkg")))
        .isEqualTo(Files.getLastModifiedTime(f.author.resolve("shelves/mac/tools/App.pkg")));
    // DEST holds the shelves and one hidden .pantri entry, nothing else
    try (var l = Files.list(f.dest)) {
      assertThat(l.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(".pantri", "mac", "win");
    }

    Pantri.Out again = f.retrieve();
    assertThat(again.code()).isZero();
    assertThat(again.stderr()).contains("already up to date");

    // change, delete, rename binaries and text files
    f.binary("mac/tools/App.pkg", 120_000, 3);
    Files.delete(f.author.resolve("shelves/win/driver.msi"));
    f.pantri.git(f.author, "rm", "-q", "shelves/win/driver.msi.pitem");
    f.pantri.git(f.author, "mv", "shelves/mac/tools/Same.pkg.pitem", "shelves/mac/tools/Renamed.pkg.pitem");
    Files.move(f.author.resolve("shelves/mac/tools/Same.pkg"), f.author.resolve("shelves/mac/tools/Renamed.pkg"));
    f.pantri.git(f.author, "mv", "shelves/win/readme.txt", "shelves/win/README");
    f.text("mac/tools/postinstall.sh", "#!/bin/sh\necho changed\n");
    Pantri.Out s2 = f.store("shelves/mac");
    assertThat(s2.code()).as(s2.toString()).isZero();
    f.commitAndPush("changes");
    Pantri.Out r2 = f.retrieve();
    assertThat(r2.code()).as(r2.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    assertThat(f.dest.resolve("win/driver.msi")).doesNotExist();
    assertThat(f.dest.resolve("mac/tools/Same.pkg")).doesNotExist();

    // forced retrieve with everything present downloads nothing
    Pantri.Out forced = f.retrieve("--force", "--json");
    assertThat(forced.code()).isZero();
    assertThat(forced.stdout()).contains("\"retrieved\" : [ ]").contains("\"copied\" : [ ]");
  }

  @Test
  void pitemIsPythonJsonDumpBytes() throws Exception {
    Path bin = f.binary("mac/Café app.pkg", 1000, 5);
    assertThat(f.store().code()).isZero();
    String pitem = Files.readString(bin.resolveSibling("Café app.pkg.pitem"), StandardCharsets.US_ASCII);
    long mtime = Files.getLastModifiedTime(bin).toMillis() / 1000;
    String sha1 = org.pantri.scan.Hasher.hash(bin).sha1();
    String sha256 = org.pantri.scan.Hasher.hash(bin).sha256();
    assertThat(pitem).isEqualTo("{\n  \"mac/Caf\\u00e9 app.pkg\": {\n    \"file_size\": 1000,\n"
        + "    \"modified_time\": " + mtime + ",\n    \"sha1_hash\": \"" + sha1 + "\",\n"
        + "    \"sha256_hash\": \"" + sha256 + "\"\n  }\n}");
  }

  @Test
  void binariesIgnoredByExactPathNotByExtension() throws Exception {
    f.binary("mac/notes.txt", 500, 6);
    f.text("mac/other.txt", "plain text\n");
    assertThat(f.store().code()).isZero();
    String gi = Files.readString(f.author.resolve(".gitignore"));
    assertThat(gi).contains("/shelves/mac/notes.txt").doesNotContain("*.txt");
    String status = f.pantri.git(f.author, "status", "--porcelain", "--untracked-files=all");
    assertThat(status).contains("shelves/mac/other.txt").contains("notes.txt.pitem")
        .doesNotContain("shelves/mac/notes.txt\n");
  }

  @Test
  void dryRunPrintsPathsAndChangesNothing() throws Exception {
    f.binary("mac/a.pkg", 100, 7);
    f.binary("mac/sub/b.dmg", 100, 8);
    f.text("mac/c.sh", "echo\n");
    Pantri.Out d = f.store("--dry-run");
    assertThat(d.code()).as(d.toString()).isZero();
    assertThat(d.stdout().lines().toList()).containsExactly("shelves/mac/a.pkg", "shelves/mac/sub/b.dmg");
    assertThat(f.author.resolve("shelves/mac/a.pkg.pitem")).doesNotExist();
    assertThat(f.author.resolve(".gitignore")).doesNotExist();
    assertThat(RepoFixture.tree(f.store)).isEmpty();
  }

  @Test
  void pathOutsideShelvesIsRefusedAndNothingStored() throws Exception {
    f.binary("mac/a.pkg", 100, 9);
    Path outside = f.author.resolve("outside.bin");
    Files.write(outside, new byte[] {0, 1, 2});
    Pantri.Out o = f.store("shelves/mac/a.pkg", outside.toString());
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.stderr()).contains("outside").contains("nothing was stored");
    assertThat(f.author.resolve("shelves/mac/a.pkg.pitem")).doesNotExist();
    assertThat(RepoFixture.tree(f.store)).isEmpty();
  }

  @Test
  void hashesReusedWhenSizeAndMtimeMatchUnlessChecksum() throws Exception {
    Path bin = f.binary("mac/a.pkg", 1000, 10);
    assertThat(f.store().code()).isZero();
    String before = Files.readString(bin.resolveSibling("a.pkg.pitem"));
    FileTime mtime = Files.getLastModifiedTime(bin);
    byte[] other = Files.readAllBytes(bin);
    other[500] ^= 1;
    Files.write(bin, other);
    Files.setLastModifiedTime(bin, mtime);
    assertThat(f.store().code()).isZero();
    assertThat(Files.readString(bin.resolveSibling("a.pkg.pitem"))).isEqualTo(before);
    assertThat(f.store("--checksum").code()).isZero();
    assertThat(Files.readString(bin.resolveSibling("a.pkg.pitem"))).isNotEqualTo(before)
        .contains(org.pantri.scan.Hasher.hash(bin).sha256());
  }

  @Test
  void aStoreWithNothingNewSaysNothingWasSent() throws Exception {
    f.binary("mac/a.pkg", 3000, 21);
    f.binary("mac/b.pkg", 3000, 22);
    Pantri.Out first = f.store();
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.stderr()).contains("upload: 2/2 objects, 5.9 KiB in ").doesNotContain("needed no transfer");
    f.binary("win/copy-of-a.pkg", 3000, 21); // the same bytes as mac/a.pkg: its object is there
    Pantri.Out again = f.store();
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.stderr()).contains("upload: 3/3 objects, 0 B in ").contains(", 3 needed no transfer")
        .contains("stored 1, unchanged 2");
  }

  @Test
  void jsonOutputFileAndSingleItemInPlace() throws Exception {
    f.binary("mac/a.pkg", 1000, 11);
    f.binary("mac/b.pkg", 1000, 12);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("two");
    Pantri.Out r = f.retrieve("-s", "mac", "-j");
    assertThat(r.code()).as(r.toString()).isZero();
    String json = Files.readString(f.server.resolve("mac_updated_objects.json"));
    assertThat(json).contains("\"retrieved\": [").contains(f.dest.resolve("mac/a.pkg").toString())
        .contains("\"removed\": []");
    assertThat(f.pantri.git(f.server, "status", "--porcelain")).isEmpty();

    Pantri.Out one = f.pantri.run(f.server, "retrieve", "-i", "shelves/mac/b.pkg.pitem");
    assertThat(one.code()).as(one.toString()).isZero();
    assertThat(f.server.resolve("shelves/mac/b.pkg")).hasSameBinaryContentAs(f.author.resolve("shelves/mac/b.pkg"));
    assertThat(f.server.resolve("shelves/mac/a.pkg")).doesNotExist();
    assertThat(f.pantri.git(f.server, "status", "--porcelain")).isEmpty();
  }

  @Test
  void dryRunRetrieveChangesNothing() throws Exception {
    f.binary("mac/a.pkg", 1000, 13);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("one");
    Pantri.Out d = f.retrieve("--dry-run", "--no-pull");
    assertThat(d.code()).as(d.toString()).isZero();
    assertThat(f.dest).doesNotExist();
    f.pantri.git(f.server, "pull", "-q");
    Pantri.Out d2 = f.retrieve("--dry-run");
    assertThat(d2.stdout()).contains("download " + f.dest.resolve("mac/a.pkg"));
    assertThat(f.dest).doesNotExist();
  }

  @Test
  void pathLayoutReadsObjectsTheOriginalLeftAndPitemsItWrote() throws Exception {
    // The original named objects by their path under shelves/ and wrote pitems with json.dump.
    byte[] content = "\0original binary".getBytes(StandardCharsets.UTF_8);
    Path obj = f.store.resolve("legacy/tool.pkg");
    Files.createDirectories(obj.getParent());
    Files.write(obj, content);
    String sha1 = hex("SHA-1", content);
    String sha256 = hex("SHA-256", content);
    Path pitem = f.author.resolve("shelves/legacy/tool.pkg.pitem");
    Files.createDirectories(pitem.getParent());
    Files.writeString(pitem, "{\n  \"legacy/tool.pkg\": {\n    \"file_size\": " + content.length
        + ",\n    \"modified_time\": 1500000000,\n    \"sha1_hash\": \"" + sha1 + "\",\n    \"sha256_hash\": \""
        + sha256 + "\"\n  }\n}");
    f.commitAndPush("legacy");
    Pantri.Out r = f.retrieve("--layout", "path");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(Files.readAllBytes(f.dest.resolve("legacy/tool.pkg"))).isEqualTo(content);
    assertThat(Files.getLastModifiedTime(f.dest.resolve("legacy/tool.pkg")).toMillis()).isEqualTo(1_500_000_000_000L);
  }

  @Test
  void binaryCommittedBeforeStoreIsUntrackedAndRetrievedFromTheStore() throws Exception {
    Path bin = f.binary("mac/old.pkg", 50_000, 21);
    f.pantri.git(f.author, "add", "-f", "shelves/mac/old.pkg");
    f.pantri.git(f.author, "commit", "-q", "-m", "binary committed to git, the old way");
    f.pantri.git(f.author, "push", "-q");
    assertThat(f.retrieve().code()).isZero(); // DEST gets it as a plain git file
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(s.stderr()).contains("removed 1 stored binary from git's index");
    assertThat(bin).exists(); // untracked, not deleted
    f.commitAndPush("pointer instead of bytes");
    assertThat(f.pantri.git(f.author, "ls-files", "shelves/mac")).isEqualTo("shelves/mac/old.pkg.pitem\n");
    assertThat(f.pantri.git(f.author, "status", "--porcelain")).isEmpty();
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    assertThat(Files.getLastModifiedTime(f.dest.resolve("mac/old.pkg"))).isEqualTo(Files.getLastModifiedTime(bin));
  }

  @Test
  void outsideAnyRepositoryTheRememberedItbinPathIsUsed() throws Exception {
    f.binary("mac/a.pkg", 3000, 5);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("a");
    Path elsewhere = tmp.resolve("not-a-repo");
    Files.createDirectories(elsewhere);
    Pantri.Out lost = f.pantri.run(elsewhere, "retrieve", "-d", f.dest.toString());
    assertThat(lost.code()).isEqualTo(3);
    assertThat(lost.stderr()).contains("not inside a git repository").contains(".pantri_config.json");
    // the original's file, in $HOME (the test's own home directory, not the JVM's user.home)
    Files.writeString(f.pantri.home().resolve(".pantri_config.json"), "{\"itbin_path\": \"" + f.server + "\"}");
    Pantri.Out r = f.pantri.run(elsewhere, "retrieve", "-d", f.dest.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
  }

  @Test
  void retrieveFromAMissingStoreDirectoryFailsOnceAndCreatesNothing() throws Exception {
    f.binary("mac/a.pkg", 3000, 8);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("a");
    Path typo = tmp.resolve("stroe");
    Pantri.Out r = f.retrieve("--storage_url", typo.toString());
    assertThat(r.code()).as(r.toString()).isEqualTo(5);
    assertThat(r.stderr()).contains(typo + " does not exist").contains("storage_url");
    assertThat(typo).doesNotExist();
  }

  /** Writes the object by path, as the original did, and the pitem the original wrote for it. */
  private void legacyObject(String rel, byte[] content, byte[] pitemDescribes) throws Exception {
    Path obj = f.store.resolve(rel);
    Files.createDirectories(obj.getParent());
    Files.write(obj, content);
    Path pitem = f.author.resolve("shelves/" + rel + ".pitem");
    Files.createDirectories(pitem.getParent());
    Files.writeString(pitem, "{\n  \"" + rel + "\": {\n    \"file_size\": " + pitemDescribes.length
        + ",\n    \"modified_time\": 1500000000,\n    \"sha1_hash\": \"" + hex("SHA-1", pitemDescribes)
        + "\",\n    \"sha256_hash\": \"" + hex("SHA-256", pitemDescribes) + "\"\n  }\n}");
  }

  @Test
  void contentLayoutFallsBackToObjectsTheOriginalNamedByPath() throws Exception {
    byte[] content = "\0left by the original".getBytes(StandardCharsets.UTF_8);
    legacyObject("legacy/tool.pkg", content, content);
    // overwritten in the store since the pitem was written (the original replaced objects in place)
    byte[] old = "\0version 1 of the app".getBytes(StandardCharsets.UTF_8);
    byte[] now = "\0version 2 of the app".getBytes(StandardCharsets.UTF_8);
    legacyObject("legacy/app.pkg", now, old);
    f.commitAndPush("legacy");
    Pantri.Out r = f.retrieve(); // default layout: content
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(Files.readAllBytes(f.dest.resolve("legacy/tool.pkg"))).isEqualTo(content);
    assertThat(r.stderr()).contains("legacy/app.pkg").contains("corrupt or was replaced");
    assertThat(f.dest.resolve("legacy/app.pkg")).doesNotExist();
    // an object under neither name names both in the error
    Files.delete(f.store.resolve("legacy/tool.pkg"));
    Files.delete(f.dest.resolve("legacy/tool.pkg"));
    Pantri.Out r2 = f.retrieve("--force");
    assertThat(r2.code()).isEqualTo(1);
    assertThat(r2.stderr()).contains("sha256/").contains("nor under its path 'legacy/tool.pkg'");
  }

  static String hex(String alg, byte[] b) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance(alg).digest(b));
  }

  @Test
  void cliOptionsWorkAfterTheSubcommandAndKebabAliases() throws Exception {
    f.binary("mac/a.pkg", 100, 14);
    Path other = tmp.resolve("other-store");
    Pantri.Out s = f.pantri.run(f.author, "store", "--storage-url", other.toString());
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(RepoFixture.tree(other)).hasSize(1);
    Pantri.Out s2 = f.pantri.run(f.author, "--storage_url", tmp.resolve("third").toString(), "store");
    assertThat(s2.code()).as(s2.toString()).isZero();
    assertThat(RepoFixture.tree(tmp.resolve("third"))).hasSize(1);
    assertThat(List.of(f.pantri.run(f.author, "--version").stdout())).anyMatch(v -> v.startsWith("pantri "));
    Map<String, String> none = RepoFixture.tree(f.store);
    assertThat(none).isEmpty();
  }
}

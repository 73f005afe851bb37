package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/** DEST is exactly the commit: contents from git's objects, git's modes, every deletion. */
class DestinationTest {
  @TempDir Path tmp;

  private static String perms(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void aShelfRemovedFromGitLeavesTheDestination() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/a.pkg", 1000, 1);
    f.binary("win/b.msi", 1000, 2);
    f.text("win/sub/readme.txt", "win\n");
    assertThat(f.store().code()).isZero();
    f.commitAndPush("two shelves");
    assertThat(f.retrieve().code()).isZero();
    assertThat(f.dest.resolve("win/b.msi")).exists();
    f.pantri.git(f.author, "rm", "-r", "-q", "shelves/win");
    f.commitAndPush("win gone");
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(f.dest.resolve("win")).doesNotExist();
    assertThat(f.dest.resolve("mac/a.pkg")).exists();
    assertThat(f.retrieve().stderr()).contains("already up to date");
  }

  @Test
  void aDestinationThatIsAFileIsAUsageErrorAndTheFileIsLeftAlone() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/a.pkg", 1000, 1);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("one");
    Path file = tmp.resolve("not-a-dir");
    Files.writeString(file, "keep me\n");
    Pantri.Out r = f.pantri.run(f.server, "retrieve", "-d", file.toString());
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.stderr()).contains("destination " + file + " is a file, not a directory");
    Pantri.Out under = f.pantri.run(f.server, "retrieve", "-d", file.resolve("sub").toString());
    assertThat(under.code()).as(under.toString()).isEqualTo(2);
    assertThat(under.stderr()).contains(file + " is a file, not a directory");
    assertThat(Files.readString(file)).isEqualTo("keep me\n");
  }

  @Test
  void textComesFromTheCommitWithItsModeNeverFromTheWorkTree() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.text("mac/postinstall.sh", "#!/bin/sh\necho committed\n");
    Files.setPosixFilePermissions(f.author.resolve("shelves/mac/postinstall.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    f.text("mac/readme.txt", "committed\n");
    f.commitAndPush("scripts");
    // the retrieving clone has an uncommitted edit and an untracked file
    f.pantri.git(f.server, "pull", "-q");
    Files.writeString(f.server.resolve("shelves/mac/readme.txt"), "local edit\n");
    Files.writeString(f.server.resolve("shelves/mac/untracked.txt"), "not in git\n");
    Pantri.Out r = f.retrieve("--no-pull");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(Files.readString(f.dest.resolve("mac/readme.txt"))).isEqualTo("committed\n");
    assertThat(f.dest.resolve("mac/untracked.txt")).doesNotExist();
    assertThat(perms(f.dest.resolve("mac/postinstall.sh"))).isEqualTo("rwxr-xr-x");
    assertThat(perms(f.dest.resolve("mac/readme.txt"))).isEqualTo("rw-r--r--");
    // a mode change alone reaches DEST; an edit of DEST is repaired by --force
    f.pantri.git(f.server, "checkout", "-q", "--", ".");
    Files.delete(f.server.resolve("shelves/mac/untracked.txt"));
    Files.setPosixFilePermissions(f.author.resolve("shelves/mac/readme.txt"), PosixFilePermissions.fromString("rwxr-xr-x"));
    f.commitAndPush("now executable");
    Files.writeString(f.dest.resolve("mac/postinstall.sh"), "#!/bin/sh\necho tampered\n");
    Pantri.Out r2 = f.retrieve("--force");
    assertThat(r2.code()).as(r2.toString()).isZero();
    assertThat(perms(f.dest.resolve("mac/readme.txt"))).isEqualTo("rwxr-xr-x");
    assertThat(Files.readString(f.dest.resolve("mac/postinstall.sh"))).contains("echo committed");
  }

  @Test
  void filesDirectlyUnderShelvesAreStoredAndRetrieved() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("toplevel.bin", 2000, 1);
    f.text("README.txt", "top\n");
    f.binary("mac/a.pkg", 1000, 2);
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(f.author.resolve("shelves/toplevel.bin.pitem")).exists();
    f.commitAndPush("top level");
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    assertThat(f.dest.resolve("toplevel.bin")).exists();
    assertThat(f.dest.resolve("README.txt")).hasContent("top");
    f.pantri.git(f.author, "rm", "-q", "shelves/toplevel.bin.pitem", "shelves/README.txt");
    f.commitAndPush("top level gone");
    Pantri.Out r2 = f.retrieve();
    assertThat(r2.code()).as(r2.toString()).isZero();
    assertThat(f.dest.resolve("toplevel.bin")).doesNotExist();
    assertThat(f.dest.resolve("README.txt")).doesNotExist();
    assertThat(f.dest.resolve("mac/a.pkg")).exists();
  }

  @Test
  void renamedAndDuplicatedContentIsReusedNotDownloaded() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/big.dmg", 3_000_000, 1);
    f.binary("mac/other.pkg", 500_000, 2);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("v1");
    assertThat(f.retrieve().code()).isZero();
    // rename one, copy the other to a new place, move a third into a subdirectory
    f.pantri.git(f.author, "mv", "shelves/mac/big.dmg.pitem", "shelves/mac/renamed.dmg.pitem");
    Files.writeString(f.author.resolve("shelves/mac/renamed.dmg.pitem"),
        Files.readString(f.author.resolve("shelves/mac/renamed.dmg.pitem")).replace("mac/big.dmg", "mac/renamed.dmg"));
    Files.move(f.author.resolve("shelves/mac/big.dmg"), f.author.resolve("shelves/mac/renamed.dmg"));
    f.binary("mac/copies/other-copy.pkg", 500_000, 2);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("renames");
    Path storeCopy = tmp.resolve("store-moved");
    Files.move(f.store, storeCopy); // nothing can be downloaded now: only reuse can succeed
    Pantri.Out r = f.retrieve("--json");
    assertThat(r.code()).as(r.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.stdout());
    assertThat(j.get("bytes").asLong()).isZero();
    assertThat(j.get("bytes_reused").asLong()).isEqualTo(3_500_000);
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    assertThat(f.dest.resolve("mac/big.dmg")).doesNotExist();
    // content in DEST that does not match its pitem is never reused: it is downloaded
    Files.move(storeCopy, f.store);
    // same size and mtime as its pitem says (so it looks current), other bytes
    java.nio.file.attribute.FileTime t = Files.getLastModifiedTime(f.dest.resolve("mac/renamed.dmg"));
    Files.write(f.dest.resolve("mac/renamed.dmg"), new byte[3_000_000]);
    Files.setLastModifiedTime(f.dest.resolve("mac/renamed.dmg"), t);
    f.pantri.git(f.author, "mv", "shelves/mac/renamed.dmg.pitem", "shelves/mac/again.dmg.pitem");
    Files.writeString(f.author.resolve("shelves/mac/again.dmg.pitem"),
        Files.readString(f.author.resolve("shelves/mac/again.dmg.pitem")).replace("mac/renamed.dmg", "mac/again.dmg"));
    Files.move(f.author.resolve("shelves/mac/renamed.dmg"), f.author.resolve("shelves/mac/again.dmg"));
    assertThat(f.store().code()).isZero();
    f.commitAndPush("again");
    Pantri.Out r2 = f.retrieve("--json");
    assertThat(r2.code()).as(r2.toString()).isZero();
    assertThat(new ObjectMapper().readTree(r2.stdout()).get("bytes").asLong()).isEqualTo(3_000_000);
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
  }
}

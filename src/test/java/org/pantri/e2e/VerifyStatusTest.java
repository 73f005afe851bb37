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

/** verify: DEST against its synced commit; status: what store and retrieve would do. */
class VerifyStatusTest {
  @TempDir Path tmp;

  @Test
  void verifyNamesEveryDifferenceAndRepairFixesThem() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/a.pkg", 4000, 1);
    f.binary("mac/b.pkg", 4000, 2);
    f.binary("mac/c.pkg", 4000, 3);
    f.text("mac/run.sh", "#!/bin/sh\n");
    Files.setPosixFilePermissions(f.author.resolve("shelves/mac/run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    assertThat(f.store().code()).isZero();
    f.commitAndPush("v1");
    assertThat(f.retrieve().code()).isZero();
    Pantri.Out ok = f.pantri.run(f.server, "verify", "-d", f.dest.toString(), "--checksum");
    assertThat(ok.code()).as(ok.toString()).isZero();
    // damage DEST four ways
    Files.delete(f.dest.resolve("mac/a.pkg"));
    Files.write(f.dest.resolve("mac/b.pkg"), new byte[10]);
    byte[] c = Files.readAllBytes(f.dest.resolve("mac/c.pkg"));
    c[100] ^= 1;
    java.nio.file.attribute.FileTime t = Files.getLastModifiedTime(f.dest.resolve("mac/c.pkg"));
    Files.write(f.dest.resolve("mac/c.pkg"), c);
    Files.setLastModifiedTime(f.dest.resolve("mac/c.pkg"), t);
    Files.setPosixFilePermissions(f.dest.resolve("mac/run.sh"), PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(f.dest.resolve("mac/extra.txt"), "not from git\n");
    Pantri.Out quick = f.pantri.run(f.server, "verify", "-d", f.dest.toString(), "--json");
    assertThat(quick.code()).as(quick.toString()).isEqualTo(1);
    JsonNode j = new ObjectMapper().readTree(quick.stdout());
    assertThat(j.get("differences").toString()).contains("mac/a.pkg: missing").contains("mac/b.pkg: size 10")
        .contains("mac/run.sh: not executable").contains("mac/extra.txt: extra").doesNotContain("mac/c.pkg");
    Pantri.Out deep = f.pantri.run(f.server, "verify", "-d", f.dest.toString(), "--checksum");
    assertThat(deep.code()).isEqualTo(1);
    assertThat(deep.stdout()).contains("mac/c.pkg: content differs");
    Pantri.Out repaired = f.pantri.run(f.server, "verify", "-d", f.dest.toString(), "--checksum", "--repair");
    assertThat(repaired.code()).as(repaired.toString()).isEqualTo(1); // the extra file is not pantri's to delete
    assertThat(repaired.stdout()).contains("mac/extra.txt: extra").doesNotContain("mac/a.pkg").doesNotContain("mac/c.pkg");
    Files.delete(f.dest.resolve("mac/extra.txt"));
    assertThat(f.pantri.run(f.server, "verify", "-d", f.dest.toString(), "--checksum").code()).isZero();
  }

  @Test
  void statusSaysWhatStoreAndRetrieveWouldDoWithoutDoingIt() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/a.pkg", 4000, 1);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("v1");
    assertThat(f.retrieve().code()).isZero();
    // upstream moves on; the server clone has not pulled
    f.binary("mac/new.pkg", 4000, 2);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("v2");
    f.binary("mac/unstored.pkg", 4000, 3);
    String headBefore = f.pantri.git(f.server, "rev-parse", "HEAD");
    Pantri.Out st = f.pantri.run(f.server, "status", "-d", f.dest.toString(), "--json");
    assertThat(st.code()).as(st.toString()).isZero();
    JsonNode j = new ObjectMapper().readTree(st.stdout());
    assertThat(j.get("would_retrieve").toString()).contains("mac/new.pkg");
    assertThat(f.pantri.git(f.server, "rev-parse", "HEAD")).isEqualTo(headBefore);
    assertThat(f.dest.resolve("mac/new.pkg")).doesNotExist();
    Pantri.Out author = f.pantri.run(f.author, "status", "--no-fetch");
    assertThat(author.code()).as(author.toString()).isZero();
    assertThat(author.stdout()).contains("store shelves/mac/unstored.pkg");
    assertThat(f.author.resolve("shelves/mac/unstored.pkg.pitem")).doesNotExist();
    // retrieve --dry-run looks at what the pull would bring as well
    Pantri.Out dry = f.pantri.run(f.server, "retrieve", "-d", f.dest.toString(), "--dry-run");
    assertThat(dry.stdout()).contains("download " + f.dest.resolve("mac/new.pkg"));
  }

  @Test
  void verifyRemoteFindsObjectsMissingFromTheStore() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/old.pkg", 3000, 1);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("old");
    f.pantri.git(f.author, "tag", "v1");
    f.pantri.git(f.author, "rm", "-q", "shelves/mac/old.pkg.pitem");
    Files.delete(f.author.resolve("shelves/mac/old.pkg"));
    f.binary("mac/new.pkg", 3000, 2);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("new");
    assertThat(f.pantri.run(f.author, "verify", "--remote").code()).isZero();
    // both objects disappear from the store
    try (var s = Files.walk(f.store)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Files.delete(p);
      }
    }
    Pantri.Out head = f.pantri.run(f.author, "verify", "--remote");
    assertThat(head.code()).as(head.toString()).isEqualTo(1);
    assertThat(head.stdout()).contains("shelves/mac/new.pkg.pitem").doesNotContain("old.pkg");
    Pantri.Out all = f.pantri.run(f.author, "verify", "--remote", "--all-refs");
    assertThat(all.code()).isEqualTo(1);
    assertThat(all.stdout()).contains("shelves/mac/new.pkg.pitem").contains("shelves/mac/old.pkg.pitem");
    assertThat(f.store("--checksum").code()).isZero(); // re-uploads what the work tree still has
    assertThat(f.pantri.run(f.author, "verify", "--remote").code()).isZero();
  }
}

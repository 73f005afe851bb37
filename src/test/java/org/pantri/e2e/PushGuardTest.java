package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.scan.Hasher;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/**
 * The pre-push guard through real git pushes: a commit whose pitem's object is missing (or of
 * the wrong size) is refused, naming the file and the fix; after {@code store --checksum} the same
 * push goes through. An existing pre-push hook is chained, never overwritten.
 */
class PushGuardTest {
  @TempDir Path tmp;

  private static String key(Path file) throws Exception {
    String sha = Hasher.hash(file).sha256();
    return "sha256/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha;
  }

  /** git push, with its exit code and output (git's and the hook's). */
  private Pantri.Out push(RepoFixture f) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("git", "push", "-q", "origin", "main").directory(f.author.toFile())
        .redirectErrorStream(true);
    pb.environment().putAll(f.pantri.builder(f.author).environment());
    pb.environment().remove("PANTRI");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    return new Pantri.Out(p.waitFor(), out, out);
  }

  private String remoteMain(RepoFixture f) throws Exception {
    return f.pantri.git(f.remote, "rev-parse", "main").trim();
  }

  @Test
  void refusesAPushWithAMissingObjectUntilItIsStoredAgain() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    Path hooks = f.author.resolve(".git/hooks");
    Files.createDirectories(hooks);
    Path own = hooks.resolve("pre-push");
    Files.writeString(own, "#!/bin/sh\ncat > \"$(dirname \"$0\")/../own-hook-ran\"\nexit 0\n");
    Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rwxr-xr-x"));

    Pantri.Out inst = f.pantri.run(f.author, "install-hooks");
    assertThat(inst.code()).as(inst.toString()).isZero();
    assertThat(inst.stderr()).contains("pre-push.pantri-chained");
    assertThat(hooks.resolve("pre-push.pantri-chained")).hasContent("#!/bin/sh\ncat > \"$(dirname \"$0\")/../own-hook-ran\"\nexit 0");
    // installing again changes nothing
    Pantri.Out again = f.pantri.run(f.author, "install-hooks");
    assertThat(again.stderr()).contains("already installed");

    Path ok = f.binary("mac/ok.pkg", 4000, 1);
    Path lost = f.binary("mac/lost one.pkg", 5000, 2);
    assertThat(f.store().code()).isZero();
    f.pantri.git(f.author, "add", "-A");
    f.pantri.git(f.author, "commit", "-q", "-m", "two packages");
    String before = remoteMain(f);
    Files.delete(f.store.resolve(key(lost))); // the upload "never reached the store"

    Pantri.Out refused = push(f);
    assertThat(refused.code()).as(refused.stdout()).isNotZero();
    assertThat(refused.stdout()).contains("push refused").contains("shelves/mac/lost one.pkg.pitem")
        .contains("is missing from").contains("pantri store --checksum 'shelves/mac/lost one.pkg'")
        .doesNotContain("shelves/mac/ok.pkg.pitem");
    assertThat(remoteMain(f)).isEqualTo(before);
    assertThat(f.author.resolve(".git/own-hook-ran")).content().contains("refs/heads/main");

    // the fix the message names: re-upload although the pitem is up to date
    Pantri.Out fix = f.pantri.run(f.author, "store", "--checksum", "shelves/mac/lost one.pkg");
    assertThat(fix.code()).as(fix.toString()).isZero();
    assertThat(f.store.resolve(key(lost))).exists();
    Pantri.Out pushed = push(f);
    assertThat(pushed.code()).as(pushed.stdout()).isZero();
    assertThat(remoteMain(f)).isNotEqualTo(before);

    // a wrong size is refused too
    Path third = f.binary("mac/third.pkg", 6000, 3);
    assertThat(f.store().code()).isZero();
    f.pantri.git(f.author, "add", "-A");
    f.pantri.git(f.author, "commit", "-q", "-m", "third");
    Files.write(f.store.resolve(key(third)), new byte[10]);
    Pantri.Out size = push(f);
    assertThat(size.code()).isNotZero();
    assertThat(size.stdout()).contains("shelves/mac/third.pkg.pitem").contains("has 10 bytes, the pitem says 6000");
    assertThat(ok).exists();
  }

  @Test
  void storeChecksumReuploadsAMissingObjectOfAnUpToDatePitem() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    Path a = f.binary("mac/a.pkg", 4000, 1);
    assertThat(f.store().code()).isZero();
    Files.delete(f.store.resolve(key(a)));
    Pantri.Out s = f.store("--checksum", "--json");
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(s.stdout()).contains("shelves/mac/a.pkg");
    assertThat(f.store.resolve(key(a))).hasSameBinaryContentAs(a);
  }

  @Test
  void checksEveryPitemOfANewBranchAndIgnoresDeletions() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/a.pkg", 4000, 1);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("a");
    Pantri.Out inst = f.pantri.run(f.author, "install-hooks");
    assertThat(inst.code()).isZero();
    // deleting a remote branch pushes nothing to check
    f.pantri.git(f.author, "push", "-q", "origin", "main:gone");
    Pantri.Out del = f.pantri.run(f.author, "push-check", "origin", "x");
    assertThat(del.code()).isZero();
    // lines as git gives them: the new commits only, one listing per prefix for many pitems
    for (int i = 0; i < 20; i++) {
      f.binary("win/p" + i + ".pkg", 1000 + i, 10 + i);
    }
    assertThat(f.store().code()).isZero();
    f.pantri.git(f.author, "add", "-A");
    f.pantri.git(f.author, "commit", "-q", "-m", "many");
    String head = f.pantri.git(f.author, "rev-parse", "HEAD").trim();
    ProcessBuilder pb = f.pantri.builder(f.author, "push-check", "origin", "url")
        .redirectInput(ProcessBuilder.Redirect.PIPE).redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().write(("refs/heads/main " + head + " refs/heads/main " + "0".repeat(40) + "\n").getBytes());
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).contains("1 commit(s), 20 pitem(s), 1 store request(s)");
  }
}

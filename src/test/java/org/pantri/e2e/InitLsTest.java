package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.scan.Hasher;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/** {@code pantri init} (idempotent, commented config with every key) and {@code pantri ls}. */
class InitLsTest {
  @TempDir Path tmp;

  @Test
  void initSetsUpANewRepositoryAndChangesNothingTheSecondTime() throws Exception {
    Files.createDirectories(tmp.resolve("home"));
    Pantri p = new Pantri(tmp.resolve("home"));
    Path repo = tmp.resolve("pkgs");
    Pantri.Out out = p.run(tmp, "init", repo.toString(), "--object_store", "swift", "--auth_url",
        "https://swift.example.com/auth/v1.0", "--object_store_container", "packages", "--hooks");
    assertThat(out.code()).as(out.toString()).isZero();
    assertThat(repo.resolve(".git")).isDirectory();
    assertThat(repo.resolve("shelves")).isDirectory();
    String toml = Files.readString(repo.resolve("pantri.toml"));
    assertThat(toml).contains("object_store = \"swift\"\n").contains("auth_url = \"https://swift.example.com/auth/v1.0\"\n")
        .contains("object_store_container = \"packages\"\n")
        .contains("# layout = \"content\"").contains("# jobs = 8").contains("# retries = 5")
        .contains("# dest_sync = \"dest_sync\"").contains("# segment_container = \"segments\"")
        .contains("# swift_timeout = ").contains("# s3_region = ");
    assertThat(Files.readAllLines(repo.resolve(".gitignore")))
        .contains("/.pantri_auth_token", "/.pantri_password", "/dest_sync/");
    assertThat(repo.resolve(".git/hooks/pre-push")).content().contains("pantri push guard");
    // the file is valid config: pantri reads it without a warning
    Pantri.Out ls = p.run(repo, "ls");
    assertThat(ls.code()).as(ls.toString()).isZero();
    assertThat(ls.stderr()).doesNotContain("warning");

    // a user's edits survive a second init, which says there is nothing to do
    Files.writeString(repo.resolve("pantri.toml"), "[default]\nobject_store = \"fs\"\n# mine\n");
    Files.writeString(repo.resolve(".gitignore"), "*.log\n/.pantri_auth_token\n/.pantri_password\n/dest_sync/\n");
    Pantri.Out again = p.run(repo, "init", "--hooks");
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.stderr()).contains("pantri.toml exists; left unchanged").contains("layout = \"content\"")
        .contains("already installed");
    assertThat(repo.resolve("pantri.toml")).hasContent("[default]\nobject_store = \"fs\"\n# mine");
    assertThat(repo.resolve(".gitignore")).hasContent("*.log\n/.pantri_auth_token\n/.pantri_password\n/dest_sync/");
    Pantri.Out dry = p.run(repo, "init", "--dry-run");
    assertThat(dry.stderr()).contains("nothing to do");
  }

  @Test
  void lsListsPitemsAndWithRemoteWhatTheStoreHolds() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    Path a = f.binary("mac/a.pkg", 4000, 1);
    Path b = f.binary("mac/sub/b.pkg", 5000, 2);
    assertThat(f.store().code()).isZero();
    Pantri.Out ls = f.pantri.run(f.author, "ls");
    assertThat(ls.code()).as(ls.toString()).isZero();
    String shaA = Hasher.hash(a).sha256();
    assertThat(ls.stdout()).contains("4000").contains(shaA.substring(0, 12)).contains("shelves/mac/a.pkg")
        .contains("shelves/mac/sub/b.pkg");
    Pantri.Out sub = f.pantri.run(f.author, "ls", "shelves/mac/sub");
    assertThat(sub.stdout()).doesNotContain("a.pkg").contains("b.pkg");
    String shaB = Hasher.hash(b).sha256();
    Files.delete(f.store.resolve("sha256/" + shaB.substring(0, 2) + "/" + shaB.substring(2, 4) + "/" + shaB));
    Pantri.Out remote = f.pantri.run(f.author, "ls", "--remote", "--json");
    assertThat(remote.code()).as(remote.toString()).isEqualTo(1);
    assertThat(remote.stdout()).contains("\"remote\" : \"ok\"").contains("\"remote\" : \"missing\"")
        .contains("\"sha256\" : \"" + shaA + "\"");
    Pantri.Out outside = f.pantri.run(f.author, "ls", f.author.resolve("pantri.toml").toString());
    assertThat(outside.code()).isEqualTo(2);
  }
}

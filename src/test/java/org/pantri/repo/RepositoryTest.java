package org.pantri.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryTest {
  @TempDir Path tmp;
  Path root;
  Path home;

  @BeforeEach
  void init() throws Exception {
    root = tmp.resolve("repo");
    home = tmp.resolve("home");
    Files.createDirectories(root.resolve("shelves/mac/tools"));
    Files.createDirectories(root.resolve("shelves/win"));
    Files.createDirectories(root.resolve("shelves/.hidden"));
    Files.createDirectories(home);
    Process p = new ProcessBuilder("git", "init", "-q", root.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor()).isZero();
  }

  private Repository repo() throws IOException {
    return Repository.find(root.resolve("shelves/mac"), null, home);
  }

  private static String git(Path dir, String... args) throws Exception {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("git", "-c", "user.name=t",
        "-c", "user.email=t@localhost", "-c", "init.defaultBranch=main"));
    cmd.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out.trim();
  }

  @Test
  void pullMergesOnlyWhatMovedAndRefusesToMergeADivergedBranch() throws Exception {
    Path origin = tmp.resolve("origin");
    Files.createDirectories(origin);
    git(origin, "init", "-q", "-b", "main");
    Files.writeString(origin.resolve("a.txt"), "1\n");
    git(origin, "add", "a.txt");
    git(origin, "commit", "-qm", "one");
    Path clone = tmp.resolve("clone");
    git(tmp, "clone", "-q", origin.toString(), clone.toString());
    Git g = Repository.find(clone, null, home).git();
    String start = g.head();
    assertThat(g.gitDir()).isEqualTo(clone.resolve(".git").toRealPath());

    Git.Pulled same = g.pull();
    assertThat(same.moved()).isFalse();
    assertThat(same.head()).isEqualTo(start);

    Files.writeString(origin.resolve("a.txt"), "2\n");
    git(origin, "commit", "-qam", "two");
    Git.Pulled moved = g.pull();
    assertThat(moved.moved()).isTrue();
    assertThat(moved.head()).isEqualTo(git(origin, "rev-parse", "HEAD")).isEqualTo(g.head());
    assertThat(Files.readString(clone.resolve("a.txt"))).isEqualTo("2\n");

    // a local commit and a new upstream one: no fast-forward, and nothing is merged
    Files.writeString(clone.resolve("b.txt"), "local\n");
    git(clone, "add", "b.txt");
    git(clone, "commit", "-qm", "local");
    String local = g.head();
    Files.writeString(origin.resolve("a.txt"), "3\n");
    git(origin, "commit", "-qam", "three");
    assertThatThrownBy(g::pull).isInstanceOf(RepoException.class).hasMessageContaining("git pull failed")
        .hasMessageContaining("--no-pull");
    assertThat(g.head()).isEqualTo(local);
  }

  @Test
  void foundFromASubdirectoryAndByExplicitPath() throws IOException {
    assertThat(repo().root()).isEqualTo(root.toRealPath());
    assertThat(Repository.find(tmp, root, home).root()).isEqualTo(root.toRealPath());
    assertThat(repo().shelves()).isEqualTo(root.toRealPath().resolve("shelves"));
  }

  @Test
  void outsideAnyRepositoryTheRememberedOneIsUsedElseTheErrorSaysWhatToDo() throws IOException {
    Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
    assertThatThrownBy(() -> Repository.find(outside, null, home))
        .isInstanceOf(Repository.NotARepositoryException.class).hasMessageContaining("--repo DIR")
        .hasMessageContaining(Repository.USER_CONFIG);
    Repository.remember(root, home);
    assertThat(Files.readString(home.resolve(Repository.USER_CONFIG))).contains("itbin_path");
    assertThat(Repository.find(outside, null, home).root()).isEqualTo(root.toRealPath());
  }

  @Test
  void anExplicitPathThatIsNoRepositoryIsRefused() throws IOException {
    Path notRepo = Files.createDirectories(tmp.resolve("plain"));
    assertThatThrownBy(() -> Repository.find(tmp, notRepo, home)).isInstanceOf(RepoException.class)
        .hasMessageContaining("is not a git repository").hasMessageContaining("--repo");
  }

  @Test
  void shelvesPathIsRelativeToShelvesAndRefusesEverythingOutside() throws IOException {
    Repository r = repo();
    Path f = Files.writeString(root.resolve("shelves/mac/tools/a.pkg"), "x");
    assertThat(r.shelvesPath(f)).isEqualTo("mac/tools/a.pkg");
    assertThat(r.shelvesPath(root.resolve("shelves"))).isEmpty();
    assertThat(r.shelvesPath(root.resolve("shelves/mac/../win"))).isEqualTo("win");
    assertThatThrownBy(() -> r.shelvesPath(root.resolve("README.md"))).isInstanceOf(RepoException.class)
        .hasMessageContaining("is outside").hasMessageContaining("only stores files under shelves/");
    assertThatThrownBy(() -> r.shelvesPath(root.resolve("shelves/../pantri.toml")))
        .isInstanceOf(RepoException.class).hasMessageContaining("is outside");
    assertThatThrownBy(() -> r.shelvesPath(tmp.resolve("other/x"))).isInstanceOf(RepoException.class);
  }

  @Test
  void aLinkedDirectoryCannotSmuggleAPathOut() throws IOException {
    Repository r = repo();
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("b.pkg"), "x");
    Files.createSymbolicLink(root.resolve("shelves/mac/link"), outside);
    assertThatThrownBy(() -> r.shelvesPath(root.resolve("shelves/mac/link/b.pkg")))
        .isInstanceOf(RepoException.class).hasMessageContaining("is outside");
  }

  @Test
  void shelfNamesAreTheVisibleDirectoriesSorted() throws IOException {
    Files.writeString(root.resolve("shelves/loose.txt"), "x");
    assertThat(repo().shelfNames()).containsExactly("mac", "win");
    assertThat(Repository.shelfOf("mac/tools/a.pkg")).isEqualTo("mac");
    assertThat(Repository.shelfOf("top.txt")).isEqualTo("top.txt");
  }

  @Test
  void ignoreLinesAreAnchoredAndEscaped() throws IOException {
    assertThat(Repository.ignoreLine("shelves/mac/notes.txt")).isEqualTo("/shelves/mac/notes.txt");
    assertThat(Repository.ignoreLine("shelves/a*b?[c]#!\\ ")).isEqualTo("/shelves/a\\*b\\?\\[c]\\#\\!\\\\\\ ");
    Repository r = repo();
    assertThat(r.ignoreExactly(Set.of("mac/a.pkg"))).isEqualTo(1);
    assertThat(r.ignoreExactly(Set.of("mac/a.pkg"))).isZero();
    assertThat(Files.readAllLines(root.resolve(".gitignore"))).containsExactly("/shelves/mac/a.pkg");
  }

  @Test
  void oneUpdatePrunesLinesOfGoneBinariesAndAddsNewOnesKeepingTheRest() throws IOException {
    Repository r = repo();
    Files.writeString(root.resolve("shelves/mac/here.pkg.pitem"), "{}"); // bytes elsewhere, pitem here
    Files.writeString(root.resolve(".gitignore"),
        "# mine\n/shelves/mac/gone.pkg\n*.tmp\n/shelves/mac/here.pkg\n/shelves/mac/seen.pkg\n/shelves/mac/gone\\*.pkg");
    Repository.IgnoreUpdate u = r.updateIgnored(Set.of("mac/seen.pkg"), List.of("shelves/mac/new.pkg", "shelves/mac/seen.pkg"));
    assertThat(u).isEqualTo(new Repository.IgnoreUpdate(2, 1));
    assertThat(Files.readString(root.resolve(".gitignore")))
        .isEqualTo("# mine\n*.tmp\n/shelves/mac/here.pkg\n/shelves/mac/seen.pkg\n/shelves/mac/new.pkg\n");
    // nothing to prune: the bytes stay as they were, new lines are appended after a newline
    Files.writeString(root.resolve(".gitignore"), "/shelves/mac/seen.pkg\r\n# no newline at the end");
    Set<String> walked = Set.of("mac/seen.pkg", "mac/new.pkg");
    assertThat(r.updateIgnored(walked, List.of("shelves/mac/new.pkg"))).isEqualTo(new Repository.IgnoreUpdate(0, 1));
    assertThat(Files.readString(root.resolve(".gitignore")))
        .isEqualTo("/shelves/mac/seen.pkg\r\n# no newline at the end\n/shelves/mac/new.pkg\n");
    assertThat(r.updateIgnored(walked, List.of("shelves/mac/new.pkg"))).isEqualTo(new Repository.IgnoreUpdate(0, 0));
  }

  @Test
  void aPruneKeepsLinesThatAreNotUtf8AndCrlfEndingsByteForByte() throws IOException {
    Repository r = repo();
    java.io.ByteArrayOutputStream gi = new java.io.ByteArrayOutputStream();
    gi.writeBytes("/shelves/mac/gone.pkg\n# caf".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    gi.write(0xe9); // Latin-1: not UTF-8
    gi.writeBytes("\r\n/shelves/mac/here\u00e9.pkg\r\n/shelves/mac/gone2.pkg\r\n*.tmp"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Files.write(root.resolve(".gitignore"), gi.toByteArray());
    Set<String> walked = Set.of("mac/here\u00e9.pkg");
    assertThat(r.updateIgnored(walked, List.of("shelves/mac/new.pkg", "shelves/mac/here\u00e9.pkg")))
        .isEqualTo(new Repository.IgnoreUpdate(2, 1));
    java.io.ByteArrayOutputStream want = new java.io.ByteArrayOutputStream();
    want.writeBytes("# caf".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    want.write(0xe9);
    want.writeBytes("\r\n/shelves/mac/here\u00e9.pkg\r\n*.tmp\n/shelves/mac/new.pkg\n"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(Files.readAllBytes(root.resolve(".gitignore"))).isEqualTo(want.toByteArray());
    // a line that is not UTF-8 is never taken for one of Pantri's, even if it names a gone path
    byte[] foreign = "/shelves/mac/gone\u00e9.pkg\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    Files.write(root.resolve(".gitignore"), foreign);
    assertThat(r.updateIgnored(Set.of(), List.of())).isEqualTo(new Repository.IgnoreUpdate(0, 0));
    assertThat(Files.readAllBytes(root.resolve(".gitignore"))).isEqualTo(foreign);
  }

  @Test
  void aGitignoreThatIsALinkIsAppendedToThroughTheLinkButNeverPruned() throws IOException {
    Repository r = repo();
    Path real = Files.writeString(tmp.resolve("shared-ignore"), "/shelves/mac/gone.pkg\n");
    Files.createSymbolicLink(root.resolve(".gitignore"), real);
    assertThat(r.updateIgnored(Set.of(), List.of("shelves/mac/new.pkg"))).isEqualTo(new Repository.IgnoreUpdate(0, 1));
    assertThat(Files.readAllLines(root.resolve(".gitignore"))).containsExactly("/shelves/mac/gone.pkg", "/shelves/mac/new.pkg");
  }

  @Test
  void secretFilesAreExcludedLocallyOnce() throws IOException {
    Repository r = repo();
    r.excludeLocally(Repository.SECRET_FILES);
    r.excludeLocally(Repository.SECRET_FILES);
    List<String> lines = Files.readAllLines(root.resolve(".git/info/exclude"));
    assertThat(lines).containsOnlyOnce("/.pantri_auth_token", "/.pantri_password");
    assertThat(Files.exists(root.resolve(".gitignore"))).isFalse();
  }

  @Test
  void theConfigKnowsTheKeysOfTheStoresOnTheClassPath() throws IOException {
    Files.writeString(root.resolve("pantri.toml"), """
        [default]
        swift_timeout = 30
        s3_region = "eu-west-1"
        segment_container = "segs"
        plugin_knob = 1
        """);
    org.assertj.core.api.Assertions.assertThatThrownBy(this::repo)
        .hasMessageContaining("(line 5): [default] unknown option 'plugin_knob'")
        .hasMessageNotContaining("swift_timeout").hasMessageNotContaining("s3_region");
    Files.writeString(root.resolve("pantri.toml"), "[default]\njobs = 2\nswift_timeout = 30\n");
    Repository r = repo();
    assertThat(r.config().warnings()).isEmpty();
    Files.writeString(root.resolve("pantri.toml"), "[default]\njobz = 2\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(r::reloadConfig).hasMessageContaining("did you mean 'jobs'?");
  }
}

package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.scan.Hasher;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/**
 * gc on the fs store with real git: objects reachable only from a tag, another branch, a
 * remote-tracking ref or the stash are kept; an object whose pitem was never committed is kept
 * for the grace period; report-only by default; the 50% rule and --max-delete; shallow clones,
 * unfetched remotes and the path layout are refused; a store running during gc loses nothing.
 */
class GcTest {
  @TempDir Path tmp;

  static String key(Path file) throws Exception {
    String sha = Hasher.hash(file).sha256();
    return "sha256/" + sha.substring(0, 2) + "/" + sha.substring(2, 4) + "/" + sha;
  }

  static List<String> objects(Path store) throws Exception {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(store.resolve("sha256"))) {
      return out;
    }
    try (Stream<Path> s = Files.walk(store.resolve("sha256"))) {
      s.filter(Files::isRegularFile).forEach(p -> out.add(store.relativize(p).toString()));
    }
    return out;
  }

  private Pantri.Out gc(RepoFixture f, Path cwd, String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of("gc"));
    a.addAll(List.of(args));
    return f.pantri.run(cwd, a.toArray(String[]::new));
  }

  private void git(RepoFixture f, String... args) throws Exception {
    f.pantri.git(f.author, args);
  }

  /** Stores one new binary; returns its object key. */
  private String storeOne(RepoFixture f, String rel, long seed) throws Exception {
    Path p = f.binary(rel, 3000 + (int) seed, seed);
    Pantri.Out s = f.store(f.author.resolve("shelves").resolve(rel).toString());
    assertThat(s.code()).as(s.toString()).isZero();
    return key(p);
  }

  @Test
  void keepsEveryReachableObjectAndCollectsTheRest() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    // main: two objects, pushed
    String main1 = storeOne(f, "mac/main1.pkg", 1);
    String main2 = storeOne(f, "mac/main2.pkg", 2);
    f.commitAndPush("main");
    // only a remote-tracking ref: pushed from a branch that is then deleted locally
    git(f, "checkout", "-q", "-b", "feature");
    String remoteOnly = storeOne(f, "mac/remote-only.pkg", 3);
    git(f, "add", "-A");
    git(f, "commit", "-q", "-m", "feature");
    git(f, "push", "-q", "origin", "feature");
    git(f, "checkout", "-q", "main");
    git(f, "branch", "-q", "-D", "feature");
    // only a tag
    git(f, "checkout", "-q", "-b", "tmp-tag");
    String tagOnly = storeOne(f, "mac/tag-only.pkg", 4);
    git(f, "add", "-A");
    git(f, "commit", "-q", "-m", "tagged");
    git(f, "tag", "v1");
    git(f, "checkout", "-q", "main");
    git(f, "branch", "-q", "-D", "tmp-tag");
    // only another local branch (never pushed)
    git(f, "checkout", "-q", "-b", "other");
    String branchOnly = storeOne(f, "mac/branch-only.pkg", 5);
    git(f, "add", "-A");
    git(f, "commit", "-q", "-m", "other");
    git(f, "checkout", "-q", "main");
    // only the stash
    String stashOnly = storeOne(f, "mac/stash-only.pkg", 6);
    git(f, "add", "shelves/mac/stash-only.pkg.pitem");
    git(f, "stash", "-q");
    // garbage: committed on a branch that is deleted (unreachable)
    git(f, "checkout", "-q", "-b", "doomed");
    String doomed = storeOne(f, "mac/doomed.pkg", 7);
    git(f, "add", "-A");
    git(f, "commit", "-q", "-m", "doomed");
    git(f, "checkout", "-q", "main");
    git(f, "branch", "-q", "-D", "doomed");
    // uploaded by a store whose pitem was never committed (and is gone from the work tree)
    String uncommitted = storeOne(f, "mac/uncommitted.pkg", 8);
    Files.delete(f.author.resolve("shelves/mac/uncommitted.pkg.pitem"));
    git(f, "status", "--short"); // the work tree is otherwise clean of pitems

    assertThat(objects(f.store)).hasSize(8);

    // default: report only, and the grace period keeps everything just stored
    Pantri.Out report = gc(f, f.author);
    assertThat(report.code()).as(report.toString()).isZero();
    assertThat(report.stderr()).contains("garbage: 0 object(s)").contains("nothing was deleted");
    // --grace 0 reports the two unreachable ones, still deletes nothing
    Pantri.Out r0 = gc(f, f.author, "--grace", "0", "--json");
    assertThat(r0.code()).as(r0.toString()).isZero();
    assertThat(r0.stdout()).contains(doomed).contains(uncommitted).doesNotContain(main1);
    assertThat(objects(f.store)).hasSize(8);
    // the grace period protects the uncommitted upload and the unreachable one when deleting, too
    Pantri.Out kept = gc(f, f.author, "--delete");
    assertThat(kept.code()).as(kept.toString()).isZero();
    assertThat(objects(f.store)).hasSize(8);

    Pantri.Out del = gc(f, f.author, "--grace", "0", "--delete");
    assertThat(del.code()).as(del.toString()).isZero();
    assertThat(del.stderr()).contains("deleted 2 object(s)");
    assertThat(objects(f.store)).containsExactlyInAnyOrder(main1, main2, remoteOnly, tagOnly,
        branchOnly, stashOnly);
    // nothing left to collect
    assertThat(gc(f, f.author, "--grace", "0", "--delete").stderr()).contains("deleted 0 object(s)");

    // the objects still needed are retrievable: the tag's commit from a fresh clone
    git(f, "push", "-q", "origin", "v1");
    f.pantri.git(f.server, "fetch", "-q", "--tags");
    f.pantri.git(f.server, "checkout", "-q", "v1");
    Pantri.Out r = f.pantri.run(f.server, "retrieve", "--no-pull", "-d", f.dest.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(key(f.dest.resolve("mac/tag-only.pkg"))).isEqualTo(tagOnly);
  }

  @Test
  void refusesToDeleteMoreThanHalfUnlessMaxDeleteSaysSo() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    storeOne(f, "mac/live.pkg", 1);
    f.commitAndPush("live");
    for (int i = 0; i < 3; i++) {
      storeOne(f, "mac/junk" + i + ".pkg", 10 + i);
      Files.delete(f.author.resolve("shelves/mac/junk" + i + ".pkg.pitem"));
    }
    Pantri.Out refused = gc(f, f.author, "--grace", "0", "--delete");
    assertThat(refused.code()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.stderr()).contains("more than half").contains("--max-delete 3").contains("nothing was deleted");
    assertThat(objects(f.store)).hasSize(4);
    Pantri.Out capped = gc(f, f.author, "--grace", "0", "--delete", "--max-delete", "2");
    assertThat(capped.code()).isEqualTo(2);
    assertThat(capped.stderr()).contains("more than --max-delete 2");
    assertThat(objects(f.store)).hasSize(4);
    Pantri.Out ok = gc(f, f.author, "--grace", "0", "--delete", "--max-delete", "3");
    assertThat(ok.code()).as(ok.toString()).isZero();
    assertThat(objects(f.store)).hasSize(1);
  }

  @Test
  void refusesShallowClonesUnfetchedRemotesAndThePathLayout() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    storeOne(f, "mac/a.pkg", 1);
    f.commitAndPush("a");
    storeOne(f, "mac/b.pkg", 2);
    f.commitAndPush("b");
    Path shallow = tmp.resolve("shallow");
    f.pantri.git(tmp, "clone", "-q", "--depth", "1", "file://" + f.remote, shallow.toString());
    Pantri.Out s = gc(f, shallow, "--grace", "0", "--delete", "--max-delete", "100");
    assertThat(s.code()).as(s.toString()).isEqualTo(3);
    assertThat(s.stderr()).contains("shallow").contains("nothing was deleted");

    f.pantri.git(f.author, "remote", "add", "mirror", tmp.resolve("nowhere.git").toString());
    Pantri.Out u = gc(f, f.author, "--grace", "0", "--delete");
    assertThat(u.code()).as(u.toString()).isEqualTo(3);
    assertThat(u.stderr()).contains("remote 'mirror' has no fetched refs");
    Pantri.Out fetch = gc(f, f.author, "--fetch");
    assertThat(fetch.code()).as(fetch.toString()).isEqualTo(3);
    assertThat(fetch.stderr()).contains("git fetch mirror failed");
    f.pantri.git(f.author, "remote", "remove", "mirror");

    Pantri.Out p = gc(f, f.author, "--layout", "path", "--grace", "0", "--delete");
    assertThat(p.code()).as(p.toString()).isEqualTo(2);
    assertThat(p.stderr()).contains("content layout").contains("nothing was deleted");
    assertThat(objects(f.store)).hasSize(2);
  }

  @Test
  void aStoreRunningDuringGcLosesNothing() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    storeOne(f, "mac/live.pkg", 1);
    f.commitAndPush("live");
    for (int i = 0; i < 40; i++) {
      f.binary("win/new" + i + ".pkg", 50_000 + i, 100 + i);
    }
    Process store = f.pantri.builder(f.author, "store", "-q").redirectErrorStream(true)
        .redirectOutput(tmp.resolve("store.log").toFile()).start();
    for (int i = 0; i < 3 && store.isAlive(); i++) {
      Pantri.Out g = gc(f, f.author, "--delete");
      assertThat(g.code()).as(g.toString()).isZero();
    }
    assertThat(store.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(store.exitValue()).as(Files.readString(tmp.resolve("store.log"))).isZero();
    gc(f, f.author, "--delete");
    for (int i = 0; i < 40; i++) {
      Path p = f.author.resolve("shelves/win/new" + i + ".pkg");
      assertThat(f.store.resolve(key(p))).exists();
    }
  }
}

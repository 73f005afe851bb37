package org.pantri.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.core.PantriException.Category;
import org.pantri.repo.Repository;
import org.pantri.store.CredentialPrompt;
import org.pantri.testsupport.RepoFixture;
import org.pantri.transfer.Cancellation;
import org.pantri.transfer.ProgressListener;

/** The operations in-process, on the fs store and a real (temporary) git repository. */
class CoreOperationsTest {
  @TempDir Path tmp;
  RepoFixture f;
  final List<String> said = new ArrayList<>();

  @BeforeEach
  void init() throws Exception {
    f = new RepoFixture(tmp);
  }

  private Context ctx(Map<String, Object> cli) {
    Map<String, String> env = new HashMap<>(Map.of("HOME", tmp.resolve("home").toString()));
    return new Context(cli, false, CredentialPrompt.NONE, env, tmp.resolve("data"), ProgressListener.NONE,
        new Cancellation(), new Context.Reporter() {
          @Override
          public void info(String line) {
            said.add(line);
          }

          @Override
          public void warn(String line) {
            said.add("warning: " + line);
          }
        });
  }

  private Repository repo(Path dir) throws IOException {
    return Repository.find(dir, null, tmp.resolve("home"));
  }

  private Result store(List<Path> paths, boolean dryRun) throws Exception {
    return new StoreOperation(repo(f.author), ctx(Map.of())).run(paths, dryRun);
  }

  private Result retrieve(Map<String, Object> cli, List<String> shelves) throws Exception {
    return new RetrieveOperation(repo(f.server), ctx(cli))
        .run(new RetrieveRequest(shelves, false, null, true, false, false));
  }

  private Map<String, Object> toDest() {
    return Map.of("dest_sync", f.dest.toString());
  }

  @Test
  void storeThenRetrieveRoundTripsInProcess() throws Exception {
    f.binary("mac/tools/a.pkg", 5000, 1);
    f.text("mac/tools/readme.txt", "hello\n");
    Result dry = store(List.of(), true);
    assertThat(dry.stored).containsExactly("shelves/mac/tools/a.pkg");
    assertThat(Files.exists(f.author.resolve("shelves/mac/tools/a.pkg.pitem"))).isFalse();

    Result s = store(List.of(), false);
    assertThat(s.stored).containsExactly("shelves/mac/tools/a.pkg");
    assertThat(s.failed).isEmpty();
    assertThat(f.author.resolve("shelves/mac/tools/a.pkg.pitem")).exists();
    assertThat(Files.readString(f.author.resolve(".gitignore"))).contains("/shelves/mac/tools/a.pkg");
    Result again = store(List.of(), false);
    assertThat(again.stored).isEmpty();
    assertThat(again.skipped).containsExactly("shelves/mac/tools/a.pkg");

    f.commitAndPush("add a.pkg");
    Result r = retrieve(toDest(), List.of());
    assertThat(r.failed).isEmpty();
    assertThat(r.retrieved).containsExactly(f.dest.resolve("mac/tools/a.pkg").toString());
    assertThat(r.copied).contains(f.dest.resolve("mac/tools/readme.txt").toString());
    assertThat(Files.readAllBytes(f.dest.resolve("mac/tools/a.pkg")))
        .isEqualTo(Files.readAllBytes(f.author.resolve("shelves/mac/tools/a.pkg")));

    Result noop = retrieve(toDest(), List.of());
    assertThat(noop.upToDateShelves).containsExactly("mac");
    assertThat(noop.retrieved).isEmpty();
  }

  @Test
  void aFileWhosePitemMatchesIsTakenAsStoredAndChecksumLooksAtItAgain() throws Exception {
    Path bin = f.binary("mac/a.pkg", 4000, 3);
    assertThat(store(List.of(), false).stored).containsExactly("shelves/mac/a.pkg");
    // same size and mtime, now text: like its hashes, its binary verdict is taken from the pitem
    java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(bin);
    Files.writeString(bin, "t".repeat(3999) + "\n");
    Files.setLastModifiedTime(bin, mtime);
    assertThat(store(List.of(), false).skipped).containsExactly("shelves/mac/a.pkg");
    Result checked = new StoreOperation(repo(f.author), ctx(Map.of("checksum", true))).run(List.of(), false);
    assertThat(checked.stored).isEmpty();
    assertThat(checked.skipped).isEmpty();
    assertThat(checked.failed).isEmpty();
  }

  @Test
  void objectsTheFsStoreLostAreUploadedAgainWhenStatsReplaceTheListing() throws Exception {
    int n = StoreOperation.LIST_THRESHOLD + 8; // past the threshold where a remote store is listed
    for (int i = 0; i < n; i++) {
      f.binary("mac/f" + i + ".pkg", 300, 100 + i);
    }
    assertThat(store(List.of(), false).stored).hasSize(n);
    List<Path> objects;
    try (var w = Files.walk(f.store)) {
      objects = w.filter(Files::isRegularFile).sorted().toList();
    }
    assertThat(objects).hasSize(n);
    for (Path lost : objects.subList(0, 3)) {
      Files.delete(lost);
    }
    Result again = store(List.of(), false);
    assertThat(again.stored).hasSize(3);
    assertThat(again.skipped).hasSize(n - 3);
    try (var w = Files.walk(f.store)) {
      assertThat(w.filter(Files::isRegularFile).count()).isEqualTo(n);
    }
  }

  @Test
  void binariesCommittedBeforeTheyWereStoredAreTakenOutOfTheIndexAndNoOthers() throws Exception {
    for (int i = 0; i < 30; i++) {
      f.binary("mac/d" + (i % 3) + "/f" + i + ".pkg", 200, 300 + i);
    }
    f.text("mac/readme.txt", "kept\n");
    f.pantri.git(f.author, "add", "shelves/mac/d1/f1.pkg", "shelves/mac/d2/f29.pkg", "shelves/mac/readme.txt");
    Result s = store(List.of(), false);
    assertThat(s.failed).isEmpty();
    String index = f.pantri.git(f.author, "ls-files", "shelves");
    assertThat(index.lines().toList()).containsExactly("shelves/mac/readme.txt");
    assertThat(said).anyMatch(l -> l.contains("removed 2 stored binaries from git's index"));
  }

  @Test
  void identicalContentHashedWhileItsUploadRunsIsSentOnceAndEveryPitemIsWritten() throws Exception {
    // four contents, three paths each; the large one is still uploading while its copies are hashed
    byte[][] contents = new byte[4][];
    for (int c = 0; c < 4; c++) {
      contents[c] = Files.readAllBytes(f.binary("tmp" + c, c == 0 ? 6 << 20 : 1000 + c, 500 + c));
      Files.delete(f.author.resolve("shelves/tmp" + c));
    }
    for (int i = 0; i < 12; i++) {
      f.write("mac/d" + (i % 3) + "/copy" + i + ".pkg", contents[i % 4]);
    }
    Result s = new StoreOperation(repo(f.author), ctx(Map.of("jobs", 8))).run(List.of(), false);
    assertThat(s.failed).isEmpty();
    assertThat(s.stored).hasSize(12);
    try (var w = Files.walk(f.store)) {
      assertThat(w.filter(Files::isRegularFile).count()).isEqualTo(4);
    }
    for (int i = 0; i < 12; i++) {
      String pitem = Files.readString(f.author.resolve("shelves/mac/d" + (i % 3) + "/copy" + i + ".pkg.pitem"));
      assertThat(pitem).contains("\"file_size\": " + contents[i % 4].length);
    }
    Result again = new StoreOperation(repo(f.author), ctx(Map.of("jobs", 8))).run(List.of(), false);
    assertThat(again.stored).isEmpty();
    assertThat(again.skipped).hasSize(12);
    f.commitAndPush("copies");
    Result r = retrieve(toDest(), List.of());
    assertThat(r.failed).isEmpty();
    for (int i = 0; i < 12; i++) {
      assertThat(Files.readAllBytes(f.dest.resolve("mac/d" + (i % 3) + "/copy" + i + ".pkg"))).isEqualTo(contents[i % 4]);
    }
  }

  @Test
  void gitignoreLinesOfDeletedAndRenamedBinariesGoAndTheOthersStay() throws Exception {
    for (String n : List.of("keep", "gone", "old", "bytesElsewhere")) {
      f.binary("mac/" + n + ".pkg", 500, n.hashCode());
    }
    assertThat(store(List.of(), false).failed).isEmpty();
    Path mac = f.author.resolve("shelves/mac");
    Files.delete(mac.resolve("gone.pkg"));
    Files.delete(mac.resolve("gone.pkg.pitem"));
    Files.move(mac.resolve("old.pkg"), mac.resolve("new.pkg"));
    Files.delete(mac.resolve("old.pkg.pitem"));
    Files.delete(mac.resolve("bytesElsewhere.pkg")); // its pitem stays: a clone without the bytes
    Result s = store(List.of(), false);
    assertThat(s.failed).isEmpty();
    List<String> lines = Files.readAllLines(f.author.resolve(".gitignore"));
    assertThat(lines).contains("/shelves/mac/keep.pkg", "/shelves/mac/new.pkg", "/shelves/mac/bytesElsewhere.pkg")
        .doesNotContain("/shelves/mac/gone.pkg", "/shelves/mac/old.pkg");
    assertThat(said).anyMatch(l -> l.contains("removed 2 line(s) of deleted or renamed binaries"));
  }

  @Test
  void eachShelfIsStoredWithItsOwnOptionsWhateverTheOrderOfPaths() throws Exception {
    // shelves interleaved in path order with files directly in shelves/ ("a.bin" < "a/", "b.bin" < "b/")
    Files.writeString(f.author.resolve("pantri.toml"), Files.readString(f.author.resolve("pantri.toml"))
        + "[shelves.a]\nignore_patterns = [\"*.skip\"]\n[shelves.b]\nlayout = \"path\"\n");
    for (String n : List.of("a.bin", "a/x.pkg", "a/y.skip", "ab/z.skip", "b.bin", "b/w.pkg", "c.skip")) {
      f.binary(n, 300, n.hashCode());
    }
    Result r = store(List.of(), false);
    assertThat(r.failed).isEmpty();
    assertThat(r.stored).containsExactlyInAnyOrder("shelves/a.bin", "shelves/a/x.pkg", "shelves/ab/z.skip",
        "shelves/b.bin", "shelves/b/w.pkg", "shelves/c.skip");
    assertThat(f.author.resolve("shelves/a/y.skip.pitem")).doesNotExist(); // shelf a's ignore pattern
    assertThat(f.store.resolve("b/w.pkg")).exists(); // shelf b: the path layout
    assertThat(f.store.resolve("a/x.pkg")).doesNotExist();
  }

  @Test
  void aPathOutsideShelvesIsAUsageErrorAndNothingIsStored() throws Exception {
    f.binary("mac/a.pkg", 100, 2);
    Path outside = Files.writeString(f.author.resolve("notes.bin"), "\0x");
    assertThatThrownBy(() -> store(List.of(f.author.resolve("shelves/mac/a.pkg"), outside), false))
        .isInstanceOfSatisfying(PantriException.class, e -> assertThat(e.category()).isEqualTo(Category.USAGE))
        .hasMessageContaining("nothing was stored");
    assertThat(f.author.resolve("shelves/mac/a.pkg.pitem")).doesNotExist();
    assertThatThrownBy(() -> store(List.of(f.author.resolve("shelves/nope")), false))
        .isInstanceOfSatisfying(PantriException.class, e -> assertThat(e.category()).isEqualTo(Category.USAGE));
  }

  @Test
  void anUnknownShelfIsAUsageError() throws Exception {
    f.binary("mac/a.pkg", 100, 3);
    store(List.of(), false);
    f.commitAndPush("a");
    assertThatThrownBy(() -> retrieve(toDest(), List.of("win")))
        .isInstanceOfSatisfying(PantriException.class, e -> assertThat(e.category()).isEqualTo(Category.USAGE))
        .hasMessageContaining("no shelf named 'win'");
  }

  @Test
  void retrieveFromAMissingStoreDirectoryIsAStoreErrorAndCreatesNothing() throws Exception {
    f.binary("mac/a.pkg", 100, 4);
    store(List.of(), false);
    f.commitAndPush("a");
    Path missing = tmp.resolve("no-such-store");
    Map<String, Object> cli = new HashMap<>(toDest());
    cli.put("storage_url", missing.toString());
    assertThatThrownBy(() -> retrieve(cli, List.of()))
        .isInstanceOfSatisfying(PantriException.class, e -> assertThat(e.category()).isEqualTo(Category.STORE))
        .hasMessageContaining("does not exist");
    assertThat(missing).doesNotExist();
  }

  @Test
  void anUnknownObjectStoreIsAConfigurationError() throws Exception {
    f.binary("mac/a.pkg", 100, 5);
    assertThatThrownBy(() -> new StoreOperation(repo(f.author), ctx(Map.of("object_store", "nosuch")))
        .run(List.of(), false))
        .isInstanceOfSatisfying(PantriException.class, e -> assertThat(e.category()).isEqualTo(Category.REPO))
        .hasMessageContaining("unknown object_store 'nosuch'");
  }

  @Test
  void authNeedsAStoreThatCanAuthenticate() throws Exception {
    assertThatThrownBy(() -> new AuthOperation(repo(f.author), ctx(Map.of())).run(null, false))
        .isInstanceOfSatisfying(PantriException.class, e -> assertThat(e.category()).isEqualTo(Category.USAGE))
        .hasMessageContaining("auth is for stores that log in (swift)").hasMessageContaining("'fs'");
    assertThatThrownBy(() -> new AuthOperation(repo(f.author), ctx(Map.of("object_store", "s3"))).run(null, true))
        .isInstanceOfSatisfying(PantriException.class, e -> assertThat(e.category()).isEqualTo(Category.USAGE));
  }

  @Test
  void authTestWithoutACachedTokenIsAnAuthError() throws Exception {
    // no token file, no OS_AUTH_TOKEN in this context's environment: nothing to test, no network needed
    assertThatThrownBy(() -> new AuthOperation(repo(f.author),
        ctx(Map.of("object_store", "swift", "auth_url", "http://127.0.0.1:9/auth/v1.0"))).run(null, true))
        .isInstanceOfSatisfying(PantriException.class, e -> assertThat(e.category()).isEqualTo(Category.AUTH))
        .hasMessageContaining("no valid cached token");
  }
}

package org.pantri.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pantri.pitem.Pitem;
import org.pantri.plan.RetrievePlanner.Copy;
import org.pantri.plan.RetrievePlanner.DestFact;
import org.pantri.plan.RetrievePlanner.Download;
import org.pantri.plan.RetrievePlanner.Plan;
import org.pantri.plan.RetrievePlanner.WantedFile;
import org.pantri.plan.RetrievePlanner.WantedObject;
import org.pantri.repo.Layout;

/** What retrieve downloads, copies, deletes and leaves alone (SPEC §5 step 2). */
class RetrievePlannerTest {
  private static String sha(int n) {
    return String.format("%064x", n);
  }

  private static WantedObject obj(String path, long size, long mtime, int content) {
    return new WantedObject(new Pitem(path, size, mtime, "2".repeat(40), sha(content)));
  }

  /** A regular file in DEST; for text files its git blob id stands in as "blob" + mtime. */
  private static DestFact file(long size, long mtime, String sha256) {
    return new DestFact(true, true, size, mtime, sha256, "blob" + mtime, false);
  }

  /** A committed text file whose blob id is "blob" + {@code version}. */
  private static WantedFile text(String path, long size, long version) {
    return new WantedFile(path, "blob" + version, size, false);
  }

  @Test
  void objectsDownloadedWhenMissingOrDifferentBySizeAndMtime() {
    List<WantedObject> objects = List.of(
        obj("mac/missing.pkg", 10, 100, 1),
        obj("mac/current.pkg", 10, 100, 2),
        obj("mac/resized.pkg", 10, 100, 3),
        obj("mac/touched.pkg", 10, 100, 4),
        obj("mac/a-directory.pkg", 10, 100, 5),
        obj("mac/corrupt-same-stat.pkg", 10, 100, 6));
    Map<String, DestFact> facts = Map.of(
        "mac/current.pkg", file(10, 100, null),
        "mac/resized.pkg", file(11, 100, null),
        "mac/touched.pkg", file(10, 99, null),
        "mac/a-directory.pkg", new DestFact(true, false, 10, 100, null),
        // without --checksum only size and mtime count: a same-stat corrupt file is left alone
        "mac/corrupt-same-stat.pkg", file(10, 100, sha(666)));
    Plan plan = RetrievePlanner.plan(objects, List.of(), Set.of(), facts, false, Layout.CONTENT);
    assertThat(plan.downloads()).extracting(d -> d.pitem().path()).containsExactlyInAnyOrder(
        "mac/missing.pkg", "mac/resized.pkg", "mac/touched.pkg", "mac/a-directory.pkg");
    assertThat(plan.upToDate()).isEqualTo(2);
    assertThat(plan.copies()).isEmpty();
    assertThat(plan.deletes()).isEmpty();
    assertThat(plan.downloadBytes()).isEqualTo(40);
  }

  @Test
  void withChecksumTheHashDecides() {
    List<WantedObject> objects = List.of(
        obj("mac/same-hash-other-mtime.pkg", 10, 100, 1),
        obj("mac/other-hash-same-stat.pkg", 10, 100, 2),
        obj("mac/not-hashed.pkg", 10, 100, 3),
        obj("mac/other-size.pkg", 10, 100, 4));
    Map<String, DestFact> facts = Map.of(
        "mac/same-hash-other-mtime.pkg", file(10, 5, sha(1)),
        "mac/other-hash-same-stat.pkg", file(10, 100, sha(999)),
        "mac/not-hashed.pkg", file(10, 100, null),
        "mac/other-size.pkg", file(9, 100, sha(4)));
    Plan plan = RetrievePlanner.plan(objects, List.of(), Set.of(), facts, true, Layout.CONTENT);
    assertThat(plan.downloads()).extracting(d -> d.pitem().path()).containsExactlyInAnyOrder(
        "mac/other-hash-same-stat.pkg", "mac/not-hashed.pkg", "mac/other-size.pkg");
    assertThat(plan.upToDate()).isEqualTo(1);
  }

  @Test
  void downloadKeysFollowTheLayoutAndSameContentIsFetchedOnce() {
    List<WantedObject> objects = List.of(obj("mac/a.pkg", 5, 1, 7), obj("win/b.pkg", 5, 2, 7),
        obj("mac/big.dmg", 1L << 40, 1, 8));
    Plan content = RetrievePlanner.plan(objects, List.of(), Set.of(), Map.of(), false, Layout.CONTENT);
    assertThat(content.downloads()).extracting(Download::key)
        .containsExactly("sha256/00/00/" + sha(8), "sha256/00/00/" + sha(7), "sha256/00/00/" + sha(7));
    Map<String, List<Download>> byKey = RetrievePlanner.byKey(content.downloads());
    assertThat(byKey).hasSize(2);
    assertThat(byKey.get("sha256/00/00/" + sha(7))).extracting(d -> d.pitem().path())
        .containsExactlyInAnyOrder("mac/a.pkg", "win/b.pkg");
    Plan path = RetrievePlanner.plan(objects, List.of(), Set.of(), Map.of(), false, Layout.PATH);
    assertThat(path.downloads()).extracting(Download::key)
        .containsExactlyInAnyOrder("mac/a.pkg", "win/b.pkg", "mac/big.dmg");
    assertThat(RetrievePlanner.byKey(path.downloads())).hasSize(3);
    // largest first, so a big transfer never starts last
    assertThat(path.downloads().get(0).pitem().path()).isEqualTo("mac/big.dmg");
    assertThat(path.downloadBytes()).isEqualTo((1L << 40) + 10);
  }

  @Test
  void textFilesCopiedWhenMissingOrDifferent() {
    List<WantedFile> files = List.of(text("mac/new.sh", 5, 10), text("mac/same.sh", 5, 10),
        text("mac/edited.sh", 5, 10), text("mac/touched.sh", 5, 10), text("mac/was-a-link.sh", 5, 10));
    Map<String, DestFact> facts = Map.of(
        "mac/same.sh", file(5, 10, null),
        "mac/edited.sh", file(6, 10, null),
        "mac/touched.sh", file(5, 11, null),
        "mac/was-a-link.sh", new DestFact(true, false, 5, 10, null));
    Plan plan = RetrievePlanner.plan(List.of(), files, Set.of(), facts, false, Layout.CONTENT);
    assertThat(plan.copies()).extracting(Copy::path)
        .containsExactlyInAnyOrder("mac/new.sh", "mac/edited.sh", "mac/touched.sh", "mac/was-a-link.sh");
    assertThat(plan.copies()).allSatisfy(c -> assertThat(c.blob()).isEqualTo("blob10"));
    assertThat(plan.upToDate()).isEqualTo(1);
    assertThat(plan.downloads()).isEmpty();
  }

  @Test
  void removedPathsDeletedUnlessWantedAgain() {
    // a binary that became a text file and a text file that became a binary keep their path
    List<WantedObject> objects = List.of(obj("mac/now-binary.pkg", 5, 1, 1));
    List<WantedFile> files = List.of(text("mac/now-text.txt", 5, 1));
    Set<String> removed = Set.of("mac/gone.pkg", "mac/gone.sh", "mac/now-binary.pkg", "mac/now-text.txt");
    Plan plan = RetrievePlanner.plan(objects, files, removed, Map.of(), false, Layout.CONTENT);
    assertThat(plan.deletes()).containsExactlyInAnyOrder("mac/gone.pkg", "mac/gone.sh");
    assertThat(plan.downloads()).hasSize(1);
    assertThat(plan.copies()).hasSize(1);
    assertThat(plan.isEmpty()).isFalse();
    Plan nothing = RetrievePlanner.plan(List.of(obj("mac/a.pkg", 5, 1, 1)), List.of(text("mac/b", 1, 1)),
        Set.of(), Map.of("mac/a.pkg", file(5, 1, null), "mac/b", file(1, 1, null)), false, Layout.CONTENT);
    assertThat(nothing.isEmpty()).isTrue();
    assertThat(nothing.upToDate()).isEqualTo(2);
  }

  @Test
  void binaryPathOfPitem() {
    assertThat(RetrievePlanner.binaryPathOfPitem("mac/tools/tool.pkg.pitem")).isEqualTo("mac/tools/tool.pkg");
    assertThat(RetrievePlanner.binaryPathOfPitem("a.pitem.pkg.pitem")).isEqualTo("a.pitem.pkg");
    assertThat(RetrievePlanner.binaryPathOfPitem("日本/😀 x.dmg.pitem")).isEqualTo("日本/😀 x.dmg");
    assertThat(RetrievePlanner.binaryPathOfPitem("mac/.pitem")).isEqualTo("mac/");
    // anything else is a caller's mistake, not a name to cut six characters from
    assertThatThrownBy(() -> RetrievePlanner.binaryPathOfPitem("mac/tool.pkg"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetrievePlanner.binaryPathOfPitem("a.pkg")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetrievePlanner.binaryPathOfPitem("mac/a.PITEM"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Over random states: each wanted path is downloaded/copied or counted up to date, never both. */
  @Test
  void randomPlansAccountForEveryWantedPathOnce() {
    Random r = new Random(11);
    for (int round = 0; round < 300; round++) {
      boolean checksum = r.nextBoolean();
      List<WantedObject> objects = new ArrayList<>();
      List<WantedFile> files = new ArrayList<>();
      Map<String, DestFact> facts = new HashMap<>();
      int n = r.nextInt(20);
      for (int i = 0; i < n; i++) {
        long size = r.nextInt(3) + (r.nextBoolean() ? 1L << 35 : 0);
        long mtime = r.nextInt(3);
        int content = r.nextInt(3);
        DestFact f = switch (r.nextInt(4)) {
          case 0 -> DestFact.ABSENT;
          case 1 -> file(size, mtime, sha(content));
          case 2 -> file(size + r.nextInt(2), mtime + r.nextInt(2), r.nextBoolean() ? sha(r.nextInt(3)) : null);
          default -> new DestFact(true, r.nextBoolean(), size, mtime, null);
        };
        if (r.nextBoolean()) {
          WantedObject o = obj("s/o" + i, size, mtime, content);
          objects.add(o);
          facts.put(o.pitem().path(), f);
        } else {
          WantedFile w = text("s/t" + i, size, mtime);
          files.add(w);
          facts.put(w.path(), f);
        }
      }
      Plan plan = RetrievePlanner.plan(objects, files, Set.of("s/o0", "s/gone"), facts, checksum, Layout.CONTENT);
      int current = 0;
      for (WantedObject o : objects) {
        DestFact f = facts.get(o.pitem().path());
        boolean isCurrent = f.exists() && f.regularFile() && f.size() == o.pitem().fileSize()
            && (checksum ? o.pitem().sha256().equals(f.sha256()) : f.mtimeSeconds() == o.pitem().modifiedTime());
        current += isCurrent ? 1 : 0;
        assertThat(plan.downloads().stream().anyMatch(d -> d.pitem() == o.pitem())).isEqualTo(!isCurrent);
      }
      for (WantedFile w : files) {
        DestFact f = facts.get(w.path());
        boolean isCurrent = f.exists() && f.regularFile() && f.size() == w.size() && w.blob().equals(f.gitBlob())
            && f.executable() == w.executable();
        current += isCurrent ? 1 : 0;
        assertThat(plan.copies().stream().anyMatch(c -> c.path().equals(w.path()))).isEqualTo(!isCurrent);
      }
      assertThat(plan.upToDate()).isEqualTo(current);
      assertThat(plan.downloads().size() + plan.copies().size() + plan.upToDate()).isEqualTo(n);
      boolean o0Wanted = objects.stream().anyMatch(o -> o.pitem().path().equals("s/o0"));
      assertThat(plan.deletes()).contains("s/gone");
      assertThat(plan.deletes().contains("s/o0")).isEqualTo(!o0Wanted);
    }
  }
}

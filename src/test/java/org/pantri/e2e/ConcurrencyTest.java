package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/**
 * Several jobs sharing content, in both layouts: identical files at many paths downloaded by
 * parallel workers, several retrieves into different destinations at once, and two clones
 * storing the same content into one store at once. Every file that arrives is exact.
 */
class ConcurrencyTest {
  @TempDir Path tmp;

  private RepoFixture fixture(String layout) throws Exception {
    RepoFixture f = new RepoFixture(tmp, "layout = \"" + layout + "\"\njobs = 8\n");
    // five copies of one 8 MB file, plus a few of a small one, plus unique files
    for (int i = 0; i < 5; i++) {
      f.binary("mac/copy" + i + "/image.dmg", 8_000_000, 42);
    }
    for (int i = 0; i < 6; i++) {
      f.binary("win/dup" + i + ".msi", 300_000, 7);
    }
    for (int i = 0; i < 10; i++) {
      f.binary("win/unique" + i + ".msi", 100_000 + i, 100 + i);
    }
    return f;
  }

  @ParameterizedTest
  @ValueSource(strings = {"content", "path"})
  void sharedContentArrivesExactlyInParallelAndInConcurrentRetrieves(String layout) throws Exception {
    RepoFixture f = fixture(layout);
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    f.commitAndPush("shared content");

    Pantri.Out r = f.retrieve("-J", "8");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());

    // three retrieves at once into three destinations, from three clones
    List<Process> running = new ArrayList<>();
    List<Path> dests = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Path clone = tmp.resolve("clone" + i);
      f.pantri.git(tmp, "clone", "-q", f.remote.toString(), clone.toString());
      Path dest = tmp.resolve("dest" + i);
      dests.add(dest);
      running.add(f.pantri.builder(clone, "retrieve", "-J", "8", "-d", dest.toString())
          .redirectErrorStream(true).redirectOutput(tmp.resolve("r" + i + ".log").toFile()).start());
    }
    for (int i = 0; i < running.size(); i++) {
      assertThat(running.get(i).waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(running.get(i).exitValue()).as(Files.readString(tmp.resolve("r" + i + ".log"))).isZero();
      assertThat(RepoFixture.tree(dests.get(i))).isEqualTo(f.expectedDest());
    }
    // a second retrieve into a destination that one is already filling waits for nothing: it is refused
    Path clone = tmp.resolve("clone0");
    Files.walk(dests.get(0)).filter(Files::isRegularFile).filter(p -> !p.toString().contains(".pantri"))
        .forEach(p -> p.toFile().delete());
    Process a = f.pantri.builder(clone, "retrieve", "--force", "-d", dests.get(0).toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("a.log").toFile()).start();
    Process b = f.pantri.builder(clone, "retrieve", "--force", "-d", dests.get(0).toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("b.log").toFile()).start();
    assertThat(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(List.of(a.exitValue(), b.exitValue())).as(Files.readString(tmp.resolve("a.log"))
        + Files.readString(tmp.resolve("b.log"))).containsAnyOf(0).allMatch(c -> c == 0 || c == 7);
    Pantri.Out finish = f.pantri.run(clone, "retrieve", "--force", "-d", dests.get(0).toString());
    assertThat(finish.code()).as(finish.toString()).isZero();
    assertThat(RepoFixture.tree(dests.get(0))).isEqualTo(f.expectedDest());
  }

  @ParameterizedTest
  @ValueSource(strings = {"content", "path"})
  void twoClonesStoringTheSameContentAtOnce(String layout) throws Exception {
    RepoFixture f = fixture(layout);
    Path second = tmp.resolve("second");
    f.pantri.git(tmp, "clone", "-q", f.remote.toString(), second.toString());
    // the same files in the second clone
    try (var st = Files.walk(f.author.resolve("shelves"))) {
      for (Path p : st.filter(Files::isRegularFile).toList()) {
        Path to = second.resolve("shelves").resolve(f.author.resolve("shelves").relativize(p));
        Files.createDirectories(to.getParent());
        Files.copy(p, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    Process a = f.pantri.builder(f.author, "store").redirectErrorStream(true)
        .redirectOutput(tmp.resolve("sa.log").toFile()).start();
    Process b = f.pantri.builder(second, "store").redirectErrorStream(true)
        .redirectOutput(tmp.resolve("sb.log").toFile()).start();
    assertThat(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(a.exitValue()).as(Files.readString(tmp.resolve("sa.log"))).isZero();
    assertThat(b.exitValue()).as(Files.readString(tmp.resolve("sb.log"))).isZero();
    assertThat(Files.readString(f.author.resolve("shelves/win/dup0.msi.pitem")))
        .isEqualTo(Files.readString(second.resolve("shelves/win/dup0.msi.pitem")));
    f.commitAndPush("stored twice at once");
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
  }
}

package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/** What a cron job or CI run of Pantri needs: typos stop it, logs say when and what, messages help. */
class UnattendedTest {
  @TempDir Path tmp;

  private static final Pattern STAMP = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d .*");

  @Test
  void aMisspeltKeyStopsStoreBeforeAnythingIsStored() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/tool.pkg", 1000, 1);
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\nobjet_store = \"fs\"\nstorage_url = \"" + f.store + "\"\n");
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isEqualTo(3);
    assertThat(s.stderr()).contains("pantri.toml (line 2): [default] unknown option 'objet_store'")
        .contains("did you mean 'object_store'?");
    assertThat(f.author.resolve("shelves/mac/tool.pkg.pitem")).doesNotExist();
    assertThat(f.store).doesNotExist();
    assertThat(f.pantri.home().resolve("data/pantri")).doesNotExist();
    // an unknown shelf table likewise
    Files.writeString(f.author.resolve("pantri.toml"), "[default]\nstorage_url = \"" + f.store
        + "\"\n[shelves.macc]\nlayout = \"path\"\n");
    Pantri.Out t = f.store();
    assertThat(t.code()).as(t.toString()).isEqualTo(3);
    assertThat(t.stderr()).contains("[shelves.macc] names no shelf").contains("did you mean 'mac'?");
    assertThat(f.author.resolve("shelves/mac/tool.pkg.pitem")).doesNotExist();
  }

  @Test
  void logsAreTimestampedOffATerminalAndTheLogFileKeepsInfo() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/a.pkg", 2000, 1);
    f.binary("mac/b.pkg", 3000, 2);
    Path log = tmp.resolve("logs/pantri.log");
    Files.createDirectories(f.store); // an existing store: nothing to warn about
    Pantri.Out s = f.pantri.run(f.author, "store", "-q", "--log-file", log.toString());
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(s.stderr()).isEmpty(); // -q: the console shows only trouble
    f.commitAndPush("two");
    Pantri.Out r = f.pantri.run(f.server, "retrieve", "-d", f.dest.toString(), "--log-file", log.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    for (String line : r.stderr().lines().toList()) {
      assertThat(line).as("console line off a terminal").matches(STAMP);
    }
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).allSatisfy(l -> assertThat(l).matches(STAMP));
    String head = f.pantri.git(f.server, "rev-parse", "HEAD").trim();
    assertThat(String.join("\n", lines))
        .contains("INFO  stored shelves/mac/a.pkg").contains("INFO  stored shelves/mac/b.pkg")
        .contains("retrieved " + f.dest.resolve("mac/a.pkg")).contains("retrieved " + f.dest.resolve("mac/b.pkg"))
        .contains("synced " + head.substring(0, 12));
    // appends
    f.pantri.run(f.server, "retrieve", "-d", f.dest.toString(), "--log-file", log.toString());
    assertThat(Files.readAllLines(log).size()).isGreaterThan(lines.size());
    Pantri.Out bad = f.pantri.run(f.server, "retrieve", "--log-level", "chatty");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.stderr()).contains("--log-level must be one of error, warn, info, debug, trace");
  }

  @Test
  void helpfulMessagesForCommonMistakes() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    Pantri.Out missing = f.pantri.run(tmp, "--repo", tmp.resolve("nope").toString(), "store");
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.stderr()).contains("does not exist").doesNotContain("cannot run git");
  }

  @Test
  void gitignoreForgetsBinariesThatAreGoneWithTheirPitems() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/old.pkg", 1000, 1);
    f.binary("mac/kept.pkg", 1000, 2);
    assertThat(f.store().code()).isZero();
    Files.writeString(f.author.resolve(".gitignore"), Files.readString(f.author.resolve(".gitignore")) + "*.log\n");
    // renamed: the old name goes away with its pitem
    Files.move(f.author.resolve("shelves/mac/old.pkg"), f.author.resolve("shelves/mac/new.pkg"));
    Files.delete(f.author.resolve("shelves/mac/old.pkg.pitem"));
    assertThat(f.store().code()).isZero();
    String gi = Files.readString(f.author.resolve(".gitignore"));
    assertThat(gi).doesNotContain("/shelves/mac/old.pkg\n").contains("/shelves/mac/new.pkg\n")
        .contains("/shelves/mac/kept.pkg\n").contains("*.log\n");
    // a binary missing locally but whose pitem is still there keeps its line
    Files.delete(f.author.resolve("shelves/mac/kept.pkg"));
    assertThat(f.store().code()).isZero();
    assertThat(Files.readString(f.author.resolve(".gitignore"))).contains("/shelves/mac/kept.pkg\n");
  }

  @Test
  void defaultDestinationStaysOutOfGitStatus() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/a.pkg", 1000, 1);
    assertThat(f.store().code()).isZero();
    f.commitAndPush("a");
    Pantri.Out r = f.pantri.run(f.server, "retrieve");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(f.server.resolve("dest_sync/mac/a.pkg")).exists();
    assertThat(f.pantri.git(f.server, "status", "--porcelain", "--untracked-files=all")).isEmpty();
    try (Stream<Path> s = Files.list(f.server)) {
      assertThat(s.map(p -> p.getFileName().toString())).contains("dest_sync");
    }
  }

  @Test
  void storeSaysWhenItCreatesAStoreAndNoCreateRefuses() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/a.pkg", 1000, 1);
    Pantri.Out refused = f.store("--no-create");
    assertThat(refused.code()).as(refused.toString()).isEqualTo(5);
    assertThat(refused.stderr()).contains("does not exist").contains("nothing is created");
    assertThat(f.store).doesNotExist();
    assertThat(f.author.resolve("shelves/mac/a.pkg.pitem")).doesNotExist();
    Pantri.Out s = f.store("--json");
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(s.stderr()).contains("created store directory " + f.store).contains("--no-create");
    assertThat(s.stdout()).contains("\"created\" : [ \"store directory " + f.store + "\" ]");
    Pantri.Out again = f.store("--json");
    assertThat(again.stdout()).contains("\"created\" : [ ]");
  }
}

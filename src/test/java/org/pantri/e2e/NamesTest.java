package org.pantri.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Pantri;
import org.pantri.testsupport.RepoFixture;

/**
 * Names as a hostile or careless teammate picks them. Each class is either carried correctly
 * through pitem, .gitignore and DEST, or refused by store up front, naming the file; never stored
 * half-way, never misnamed.
 */
class NamesTest {
  @TempDir Path tmp;

  private static String gitStatus(RepoFixture f) throws Exception {
    return f.pantri.git(f.author, "status", "--porcelain", "--untracked-files=all");
  }

  @Test
  void controlCharactersAndBackslashesAreRefusedAtStore() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/ok.pkg", 1000, 1);
    f.binary("mac/new\nline.pkg", 1000, 2);
    f.binary("mac/tab\there.pkg", 1000, 3);
    f.binary("mac/back\\slash.pkg", 1000, 4);
    f.binary("mac/bell\u0007.pkg", 1000, 5);
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isEqualTo(6);
    assertThat(s.stderr()).contains("new\\u000aline.pkg").contains("tab\\u0009here.pkg")
        .contains("control character").contains("backslash");
    assertThat(f.author.resolve("shelves/mac/ok.pkg.pitem")).exists();
    try (Stream<Path> st = Files.list(f.author.resolve("shelves/mac"))) {
      assertThat(st.filter(p -> p.toString().endsWith(".pitem"))).hasSize(1);
    }
    // .gitignore holds exactly one line for the binaries: no half line ignoring names repo-wide
    List<String> ignore = Files.readAllLines(f.author.resolve(".gitignore"));
    assertThat(ignore.stream().filter(l -> l.startsWith("/shelves/"))).containsExactly("/shelves/mac/ok.pkg");
    // the refused binaries stay visible to git: the user must decide, nothing is silently committed as ignored
    assertThat(gitStatus(f)).contains("shelves/mac/new\\nline.pkg");
  }

  @Test
  void nonUtf8NameIsRefusedAtStore() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/ok.pkg", 1000, 1);
    // Java cannot create such a name; python3 can (bytes)
    Process p = new ProcessBuilder("python3", "-c",
        "import os,sys; open(os.path.join(sys.argv[1].encode(), b'bad\\xff\\xfe.pkg'), 'wb').write(b'\\x00' * 100)",
        f.author.resolve("shelves/mac").toString()).inheritIO().start();
    assertThat(p.waitFor()).isZero();
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isEqualTo(6);
    assertThat(s.stderr()).contains("not valid UTF-8");
    try (Stream<Path> st = Files.list(f.author.resolve("shelves/mac"))) {
      assertThat(st.filter(x -> x.toString().endsWith(".pitem"))).hasSize(1);
    }
    assertThat(Files.readString(f.author.resolve(".gitignore"))).doesNotContain("\uFFFD");
  }

  @Test
  void longNamesRoundTripUpToTheLimitAndAreRefusedBeyondIt() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    String name240 = "a".repeat(236) + ".pkg";                   // 240 bytes: its pitem has 246
    String name249 = "b".repeat(245) + ".pkg";                   // 249: its pitem has exactly 255
    String name250 = "c".repeat(246) + ".pkg";                   // 250: its pitem would have 256
    String text230 = "t".repeat(226) + ".txt";
    String utf8Long = "é".repeat(120) + ".pkg";                 // 244 bytes in UTF-8, 124 chars
    f.binary("mac/" + name240, 3000, 1);
    f.binary("mac/" + name249, 3000, 2);
    f.binary("mac/" + name250, 3000, 3);
    f.binary("mac/" + utf8Long, 3000, 4);
    f.text("mac/" + text230, "a committed text file with a long name\n");
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isEqualTo(6);
    assertThat(s.stderr()).contains("too long").contains("256 bytes").contains(name250);
    assertThat(f.author.resolve("shelves/mac/" + name240 + ".pitem")).exists();
    assertThat(f.author.resolve("shelves/mac/" + name249 + ".pitem")).exists();
    assertThat(f.author.resolve("shelves/mac/" + utf8Long + ".pitem")).exists();
    try (Stream<Path> st = Files.list(f.author.resolve("shelves/mac"))) {
      assertThat(st.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("ccc"))).containsExactly(name250);
    }
    Files.delete(f.author.resolve("shelves/mac/" + name250));
    f.commitAndPush("long names");
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(RepoFixture.tree(f.dest)).isEqualTo(f.expectedDest());
    assertThat(f.dest.resolve("mac/" + text230)).exists();
    assertThat(f.dest.resolve("mac/" + name249)).exists();
  }

  @Test
  void normalizationTwinsAreRefusedTogether() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    String nfc = Normalizer.normalize("caf\u00e9.pkg", Normalizer.Form.NFC);
    String nfd = Normalizer.normalize("caf\u00e9.pkg", Normalizer.Form.NFD);
    assertThat(nfc).isNotEqualTo(nfd);
    f.binary("mac/" + nfc, 1000, 1);
    f.binary("mac/" + nfd, 1000, 2);
    f.binary("mac/plain.pkg", 1000, 3);
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isEqualTo(6);
    assertThat(s.stderr()).contains("Unicode normalization");
    assertThat(f.author.resolve("shelves/mac/" + nfc + ".pitem")).doesNotExist();
    assertThat(f.author.resolve("shelves/mac/" + nfd + ".pitem")).doesNotExist();
    assertThat(f.author.resolve("shelves/mac/plain.pkg.pitem")).exists();
  }

  @Test
  void nonAsciiNameRoundTripsAndItsDeleteIsHonoured() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    String nfd = Normalizer.normalize("Résumé – 日本.pkg", Normalizer.Form.NFD);
    f.binary("mac/" + nfd, 2000, 1);
    f.text("mac/keep.txt", "keeps the shelf alive\n");
    assertThat(f.store().code()).isZero();
    // a pitem written on macOS by the original names the key composed (NFC) while git has NFD
    Path pitem = f.author.resolve("shelves/mac/" + nfd + ".pitem");
    String nfcKey = Normalizer.normalize("mac/" + nfd, Normalizer.Form.NFC);
    String json = Files.readString(pitem);
    StringBuilder esc = new StringBuilder();
    for (char c : nfcKey.toCharArray()) {
      esc.append(c < 0x80 ? String.valueOf(c) : String.format("\\u%04x", (int) c));
    }
    int keyEnd = json.indexOf("\": {");
    Files.writeString(pitem, "{\n  \"" + esc + json.substring(keyEnd));
    f.commitAndPush("nfd");
    Pantri.Out r = f.retrieve();
    assertThat(r.code()).as(r.toString()).isZero();
    // DEST has git's name, not the key's
    assertThat(f.dest.resolve("mac/" + nfd)).exists();
    try (Stream<Path> st = Files.list(f.dest.resolve("mac"))) {
      assertThat(st.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(nfd, "keep.txt");
    }
    f.pantri.git(f.author, "rm", "-q", "shelves/mac/" + nfd + ".pitem");
    f.commitAndPush("gone");
    Pantri.Out r2 = f.retrieve();
    assertThat(r2.code()).as(r2.toString()).isZero();
    assertThat(r2.stderr()).as(r2.toString()).contains("removed 1");
    assertThat(f.dest.resolve("mac/" + nfd)).doesNotExist();
    try (Stream<Path> st = Files.list(f.dest.resolve("mac"))) {
      assertThat(st.map(p -> p.getFileName().toString())).containsExactly("keep.txt");
    }
  }

  @Test
  void pathThroughALinkToTheRepositoryStoresUnderTheRealKeys() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/a.bin", 1000, 1);
    assertThat(f.store().code()).isZero();
    String before = Files.readString(f.author.resolve("shelves/mac/a.bin.pitem"));
    String ignoreBefore = Files.readString(f.author.resolve(".gitignore"));
    Path alias = tmp.resolve("alias");
    Files.createSymbolicLink(alias, f.author);
    f.binary("mac/b.bin", 1000, 2);
    Pantri.Out s = f.pantri.run(tmp, "--repo", alias.toString(), "store", alias.resolve("shelves/mac").toString());
    assertThat(s.code()).as(s.toString()).isZero();
    assertThat(Files.readString(f.author.resolve("shelves/mac/a.bin.pitem"))).isEqualTo(before);
    assertThat(Files.readString(f.author.resolve("shelves/mac/b.bin.pitem"))).contains("\"mac/b.bin\"");
    String ignore = Files.readString(f.author.resolve(".gitignore"));
    assertThat(ignore).startsWith(ignoreBefore).contains("/shelves/mac/b.bin\n").doesNotContain("..")
        .doesNotContain("alias");
  }

  @Test
  void leftoverTempFilesOfAKilledRunAreNeverStored() throws Exception {
    RepoFixture f = new RepoFixture(tmp);
    f.binary("mac/a.bin", 1000, 1);
    // what a store killed while writing pitems left (old and new temp names), with a dead writer
    Files.write(f.author.resolve("shelves/mac/.a.bin.pitem.tmp999999999"), new byte[0]);
    Files.write(f.author.resolve("shelves/mac/.pantri-tmp-999999999-abcdef"), new byte[] {0, 1, 2});
    Pantri.Out s = f.store();
    assertThat(s.code()).as(s.toString()).isZero();
    try (Stream<Path> st = Files.list(f.author.resolve("shelves/mac"))) {
      assertThat(st.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a.bin", "a.bin.pitem");
    }
    assertThat(Files.readString(f.author.resolve(".gitignore"))).doesNotContain("tmp");
  }
}

package org.pantri.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.repo.Config;

/** The order of SPEC §4 steps 1-3: pitem, then ignore globs, then overrides, then content. */
class StoreFilterTest {
  @TempDir Path tmp;

  private Path write(String name, byte[] content) throws IOException {
    return Files.write(tmp.resolve(name), content);
  }

  @Test
  void pitemThenIgnoreThenOverrideThenContent() throws IOException {
    byte[] bin = {0, 1, 2, 3, (byte) 0xff, 0};
    byte[] txt = "just some text\n".getBytes(StandardCharsets.US_ASCII);
    StoreFilter f = new StoreFilter(Config.DEFAULT_IGNORES, List.of("*.plist", "[Rr]eadme*"));
    assertThat(f.skipReason(write("tool.pkg.pitem", bin), "tool.pkg.pitem")).isEqualTo("pitem");
    // ignored even when binary, and even when an override also matches
    assertThat(f.skipReason(write("._tool.pkg", bin), "._tool.pkg")).isEqualTo("ignored");
    assertThat(f.skipReason(write(".DS_Store", bin), ".DS_Store")).isEqualTo("ignored");
    assertThat(f.skipReason(write("x.pyc", bin), "x.pyc")).isEqualTo("ignored");
    assertThat(f.skipReason(write("._a.plist", txt), "._a.plist")).isEqualTo("ignored");
    // an override stores text
    assertThat(f.skipReason(write("a.plist", txt), "a.plist")).isNull();
    assertThat(f.skipReason(write("Readme.md", txt), "Readme.md")).isNull();
    // otherwise the detector decides
    Path b = write("tool.pkg", bin);
    Path t = write("notes.txt", txt);
    assertThat(BinaryDetector.isBinary(b)).isTrue();
    assertThat(BinaryDetector.isBinary(t)).isFalse();
    assertThat(f.skipReason(b, "tool.pkg")).isNull();
    assertThat(f.skipReason(t, "notes.txt")).isEqualTo("text");
    // globs are case-sensitive, as the README says
    assertThat(f.skipReason(write("X.PYC", txt), "X.PYC")).isEqualTo("text");
    assertThat(f.skipReason(write("readme", txt), "readme")).isNull();
    assertThat(f.skipReason(write("README", txt), "README")).isEqualTo("text");
  }

  /** Ignored and pitem names are decided by name alone: their content is never opened. */
  @Test
  void namesDecidedWithoutReadingTheFile() throws IOException {
    StoreFilter f = new StoreFilter(Config.DEFAULT_IGNORES, List.of("*.cfg"));
    Path missing = tmp.resolve("does-not-exist");
    assertThat(f.skipReason(missing, "a.pitem")).isEqualTo("pitem");
    assertThat(f.skipReason(missing, ".TemporaryItems")).isEqualTo("ignored");
    assertThat(f.skipReason(missing, "site.cfg")).isNull();
  }
}

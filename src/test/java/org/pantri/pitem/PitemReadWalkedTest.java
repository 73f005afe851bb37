package org.pantri.pitem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** readWalked trusts the walk's size only as a hint: the file may have changed since the stat. */
class PitemReadWalkedTest {
  private static final Pitem P = new Pitem("mac/a.pkg", 12, 1700000000,
      "da39a3ee5e6b4b0d3255bfef95601890afd80709", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  @TempDir Path dir;

  private Path pitem(byte[] bytes) throws Exception {
    return Files.write(dir.resolve("a.pkg.pitem"), bytes);
  }

  @Test
  void readsAPitemOfTheSizeTheWalkSaw() throws Exception {
    byte[] b = PitemCodec.encode(P);
    assertThat(PitemCodec.readWalked(pitem(b), "mac/a.pkg", b.length)).isEqualTo(P);
  }

  @Test
  void readsThePitemAsItIsNowWhenItGrewOrShrankSinceTheWalk() throws Exception {
    byte[] b = PitemCodec.encode(P);
    Path f = pitem(b);
    for (long seen : new long[] {0, 1, b.length - 1, b.length + 1, b.length + 4096}) {
      assertThat(PitemCodec.readWalked(f, "mac/a.pkg", seen)).as("walk saw %d bytes", seen).isEqualTo(P);
    }
  }

  @Test
  void aPitemThatGrewPastTheLimitIsRefusedWithoutReadingItAll() throws Exception {
    byte[] big = new byte[(int) PitemCodec.MAX_BYTES + 10];
    java.util.Arrays.fill(big, (byte) ' ');
    Path f = pitem(big);
    assertThatThrownBy(() -> PitemCodec.readWalked(f, "mac/a.pkg", 100))
        .isInstanceOf(PitemException.class).hasMessageContaining("too large");
    assertThatThrownBy(() -> PitemCodec.readWalked(f, "mac/a.pkg", big.length))
        .isInstanceOf(PitemException.class).hasMessageContaining("too large");
  }

  @Test
  void aPitemAtTheLimitIsStillParsed() throws Exception {
    byte[] b = PitemCodec.encode(P);
    byte[] padded = new byte[(int) PitemCodec.MAX_BYTES];
    java.util.Arrays.fill(padded, (byte) ' ');
    System.arraycopy(b, 0, padded, 0, b.length);
    Path f = pitem(padded);
    assertThat(PitemCodec.readWalked(f, "mac/a.pkg", 10)).isEqualTo(P);
  }
}

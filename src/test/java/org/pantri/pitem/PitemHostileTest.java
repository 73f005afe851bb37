package org.pantri.pitem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pitem is untrusted input (SPEC §3): every malformed or hostile one is refused with a
 * PitemException whose message names the file and says what is wrong.
 */
class PitemHostileTest {
  private static final String WHERE = "shelves/mac/tool.pkg.pitem";
  private static final String EXPECTED = "mac/tool.pkg";
  private static final String SHA1 = "a".repeat(40);
  private static final String SHA256 = "b".repeat(64);

  @TempDir Path tmp;

  /** A well-formed pitem under {@code key} whose inner object is {@code inner}. */
  private static String pitem(String key, String inner) {
    return "{\"" + key + "\": " + inner + "}";
  }

  private static String inner(String size, String sha1, String sha256) {
    StringBuilder sb = new StringBuilder("{");
    if (size != null) {
      sb.append("\"file_size\": ").append(size).append(", ");
    }
    sb.append("\"modified_time\": 1500000000");
    if (sha1 != null) {
      sb.append(", \"sha1_hash\": ").append(sha1);
    }
    if (sha256 != null) {
      sb.append(", \"sha256_hash\": ").append(sha256);
    }
    return sb.append('}').toString();
  }

  private static String good() {
    return inner("3", q(SHA1), q(SHA256));
  }

  private static String q(String s) {
    return "\"" + s + "\"";
  }

  static Stream<Arguments> hostile() {
    return Stream.of(
        // key: traversal, absolute, separators, control characters
        Arguments.of("dot-dot", pitem("mac/../tool.pkg", good()), "'..' segment"),
        Arguments.of("leading dot-dot", pitem("../mac/tool.pkg", good()), "'..' segment"),
        Arguments.of("only dot-dot", pitem("..", good()), "'..' segment"),
        Arguments.of("dot segment", pitem("mac/./tool.pkg", good()), "'.'"),
        Arguments.of("empty segment", pitem("mac//tool.pkg", good()), "empty"),
        Arguments.of("trailing slash", pitem("mac/tool.pkg/", good()), "empty"),
        Arguments.of("absolute", pitem("/mac/tool.pkg", good()), "absolute"),
        Arguments.of("absolute root", pitem("/etc/passwd", good()), "absolute"),
        Arguments.of("drive letter", pitem("C:/mac/tool.pkg", good()), "absolute"),
        Arguments.of("drive relative", pitem("c:tool.pkg", good()), "absolute"),
        Arguments.of("backslash", pitem("mac\\\\tool.pkg", good()), "backslash"),
        Arguments.of("backslash traversal", pitem("..\\\\..\\\\etc", good()), "backslash"),
        Arguments.of("nul", pitem("mac/tool.pkg\\u0000", good()), "control character"),
        Arguments.of("newline", pitem("mac/tool\\n.pkg", good()), "control character"),
        Arguments.of("tab", pitem("mac/tool\\t.pkg", good()), "control character"),
        Arguments.of("escape", pitem("mac/\\u001b[31mtool.pkg", good()), "control character"),
        Arguments.of("delete", pitem("mac/tool\\u007f.pkg", good()), "control character"),
        Arguments.of("c1 next-line", pitem("mac/tool\\u0085.pkg", good()), "control character"),
        Arguments.of("c1 csi", pitem("mac/tool\\u009b.pkg", good()), "control character"),
        Arguments.of("empty key", pitem("", good()), "empty object path"),
        // key not the pitem's own location
        Arguments.of("other name", pitem("mac/other.pkg", good()), "location says 'mac/tool.pkg'"),
        Arguments.of("other shelf", pitem("win/tool.pkg", good()), "location says"),
        Arguments.of("other case", pitem("Mac/tool.pkg", good()), "location says"),
        Arguments.of("the pitem itself", pitem("mac/tool.pkg.pitem", good()), "location says"),
        Arguments.of("parent only", pitem("mac", good()), "location says"),
        // not one JSON object with one key
        Arguments.of("empty file", "", "one JSON object"),
        Arguments.of("whitespace", "  \n\r\n ", "one JSON object"),
        Arguments.of("null", "null", "one JSON object"),
        Arguments.of("array", "[1, 2, 3]", "one JSON object"),
        Arguments.of("string", "\"mac/tool.pkg\"", "one JSON object"),
        Arguments.of("number", "42", "one JSON object"),
        Arguments.of("empty object", "{}", "one JSON object"),
        Arguments.of("two keys", "{\"mac/tool.pkg\": " + good() + ", \"mac/b.pkg\": " + good() + "}",
            "exactly one key"),
        Arguments.of("duplicate key", "{\"mac/tool.pkg\": " + good() + ", \"mac/tool.pkg\": " + good() + "}",
            "not valid JSON"),
        Arguments.of("truncated", "{\"mac/tool.pkg\": {\"file_size\": ", "not valid JSON"),
        Arguments.of("trailing garbage", pitem(EXPECTED, good()) + " x", "not valid JSON"),
        Arguments.of("two documents", pitem(EXPECTED, good()) + pitem(EXPECTED, good()), "not valid JSON"),
        Arguments.of("single quotes", "{'mac/tool.pkg': " + good() + "}", "not valid JSON"),
        Arguments.of("trailing comma", "{\"mac/tool.pkg\": " + good() + ",}", "not valid JSON"),
        Arguments.of("comment", "// x\n" + pitem(EXPECTED, good()), "not valid JSON"),
        Arguments.of("unquoted key", "{mac: " + good() + "}", "not valid JSON"),
        // value
        Arguments.of("value array", pitem(EXPECTED, "[3]"), "not an object"),
        Arguments.of("value string", pitem(EXPECTED, "\"x\""), "not an object"),
        Arguments.of("value null", pitem(EXPECTED, "null"), "not an object"),
        Arguments.of("value number", pitem(EXPECTED, "3"), "not an object"),
        // file_size
        Arguments.of("size missing", pitem(EXPECTED, inner(null, q(SHA1), q(SHA256))), "file_size"),
        Arguments.of("size negative", pitem(EXPECTED, inner("-1", q(SHA1), q(SHA256))), "negative file_size"),
        Arguments.of("size string", pitem(EXPECTED, inner("\"3\"", q(SHA1), q(SHA256))), "file_size"),
        Arguments.of("size fraction", pitem(EXPECTED, inner("1.5", q(SHA1), q(SHA256))), "file_size"),
        Arguments.of("size bool", pitem(EXPECTED, inner("true", q(SHA1), q(SHA256))), "file_size"),
        Arguments.of("size null", pitem(EXPECTED, inner("null", q(SHA1), q(SHA256))), "file_size"),
        Arguments.of("size object", pitem(EXPECTED, inner("{}", q(SHA1), q(SHA256))), "file_size"),
        Arguments.of("size NaN", pitem(EXPECTED, inner("NaN", q(SHA1), q(SHA256))), "file_size"),
        Arguments.of("size infinite", pitem(EXPECTED, inner("1e400", q(SHA1), q(SHA256))), "file_size"),
        Arguments.of("size over 2^63", pitem(EXPECTED, inner("18446744073709551616", q(SHA1), q(SHA256))),
            "file_size"),
        // hashes
        Arguments.of("sha256 missing", pitem(EXPECTED, inner("3", q(SHA1), null)), "missing sha256_hash"),
        Arguments.of("sha256 null", pitem(EXPECTED, inner("3", q(SHA1), "null")), "missing sha256_hash"),
        Arguments.of("sha256 short", pitem(EXPECTED, inner("3", q(SHA1), q("b".repeat(63)))), "sha256_hash"),
        Arguments.of("sha256 long", pitem(EXPECTED, inner("3", q(SHA1), q("b".repeat(65)))), "sha256_hash"),
        Arguments.of("sha256 non-hex", pitem(EXPECTED, inner("3", q(SHA1), q("g".repeat(64)))), "sha256_hash"),
        Arguments.of("sha256 spaces", pitem(EXPECTED, inner("3", q(SHA1), q(" " + "b".repeat(63)))),
            "sha256_hash"),
        Arguments.of("sha256 number", pitem(EXPECTED, inner("3", q(SHA1), "12345")), "sha256_hash"),
        Arguments.of("sha256 empty", pitem(EXPECTED, inner("3", q(SHA1), q(""))), "sha256_hash"),
        Arguments.of("sha1 short", pitem(EXPECTED, inner("3", q("a".repeat(39)), q(SHA256))), "sha1_hash"),
        Arguments.of("sha1 long", pitem(EXPECTED, inner("3", q("a".repeat(41)), q(SHA256))), "sha1_hash"),
        Arguments.of("sha1 non-hex", pitem(EXPECTED, inner("3", q("z".repeat(40)), q(SHA256))), "sha1_hash"),
        Arguments.of("sha1 is the sha256", pitem(EXPECTED, inner("3", q(SHA256), q(SHA256))), "sha1_hash"),
        Arguments.of("modified_time string",
            pitem(EXPECTED, "{\"file_size\": 3, \"modified_time\": \"yesterday\", \"sha256_hash\": " + q(SHA256)
                + "}"), "modified_time"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void refusedWithTheFileAndTheReason(String name, String json, String reason) {
    assertThatThrownBy(() -> PitemCodec.decode(json.getBytes(StandardCharsets.UTF_8), EXPECTED, WHERE))
        .isInstanceOf(PitemException.class)
        .hasMessageStartingWith(WHERE + ": ")
        .hasMessageContaining(reason);
  }

  @Test
  void invalidUtf8IsRefused() {
    byte[] b = pitem("mac/tool\u00ff.pkg", good()).getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> PitemCodec.decode(b, EXPECTED, WHERE))
        .isInstanceOf(PitemException.class).hasMessageStartingWith(WHERE + ": ").hasMessageContaining("JSON");
  }

  /** Messages never carry raw control characters, whatever the input (no terminal escapes). */
  @Test
  void messagesAreFreeOfControlCharacters() {
    for (String json : List.of(pitem("mac/\\u001b]0;pwned\\u0007", good()), "\u001b[2J{",
        pitem("mac/x\\u009b31m", good()), "{\"a\u001b[31m\": 1}")) {
      assertThatThrownBy(() -> PitemCodec.decode(json.getBytes(StandardCharsets.UTF_8), EXPECTED, WHERE))
          .isInstanceOf(PitemException.class)
          .satisfies(e -> assertThat(e.getMessage().chars().filter(Character::isISOControl).count())
              .as(e.getMessage()).isZero());
    }
  }

  /** What an honest writer may put there and the original accepted still reads. */
  @Test
  void tolerated() throws PitemException {
    Pitem p = PitemCodec.decode(pitem(EXPECTED, "{\"file_size\": 3, \"modified_time\": 1500000000.7, "
        + "\"sha1_hash\": \"" + "A".repeat(40) + "\", \"sha256_hash\": \"" + "B".repeat(64) + "\", "
        + "\"comment\": {\"by\": [\"me\", 1, 2.5, null, true]}}").getBytes(StandardCharsets.UTF_8), EXPECTED, WHERE);
    // int() of a float mtime, as the original wrote it; hex case folded
    assertThat(p.modifiedTime()).isEqualTo(1500000000L);
    assertThat(p.sha1()).isEqualTo("a".repeat(40));
    assertThat(p.sha256()).isEqualTo("b".repeat(64));
    assertThat(p.extra()).containsOnlyKeys("comment");
    assertThat(new String(PitemCodec.encode(p), StandardCharsets.US_ASCII)).contains("\"comment\": {");
    // an old pitem without sha1_hash or modified_time
    Pitem old = PitemCodec.decode(pitem(EXPECTED, "{\"file_size\": 3, \"sha256_hash\": " + q(SHA256) + "}")
        .getBytes(StandardCharsets.UTF_8), EXPECTED, WHERE);
    assertThat(old.sha1()).isNull();
    assertThat(old.modifiedTime()).isZero();
    // an integral float size (a Python writer that computed it as float) is that size
    Pitem f = PitemCodec.decode(pitem(EXPECTED, inner("3.0", q(SHA1), q(SHA256))).getBytes(StandardCharsets.UTF_8),
        EXPECTED, WHERE);
    assertThat(f.fileSize()).isEqualTo(3);
    // macOS writes names decomposed (NFD); the same name composed is the same path
    String nfc = "mac/caf\u00e9.pkg";
    String nfd = Normalizer.normalize(nfc, Normalizer.Form.NFD);
    assertThat(PitemCodec.decode(pitem(nfd, good()).getBytes(StandardCharsets.UTF_8), nfc, WHERE).path())
        .isEqualTo(nfd);
    // a UTF-8 BOM some editors add
    byte[] bom = ("\ufeff" + pitem(EXPECTED, good())).getBytes(StandardCharsets.UTF_8);
    assertThat(PitemCodec.decode(bom, EXPECTED, WHERE).fileSize()).isEqualTo(3);
  }

  @Test
  void aHugePitemIsRefusedWithoutReadingIt() throws Exception {
    Path f = tmp.resolve("huge.pkg.pitem");
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(50L * 1024 * 1024);
    }
    long before = rchar();
    assertThatThrownBy(() -> PitemCodec.read(f, "huge.pkg"))
        .isInstanceOf(PitemException.class).hasMessageStartingWith(f + ": ").hasMessageContaining("too large");
    long read = rchar() - before;
    if (before >= 0) {
      assertThat(read).as("bytes read to refuse a 50 MB pitem").isLessThan(2L * 1024 * 1024);
    }
    // at the limit it is still read (and refused only as JSON)
    Path edge = tmp.resolve("edge.pkg.pitem");
    String body = pitem("edge.pkg", good());
    Files.writeString(edge, body + " ".repeat((int) PitemCodec.MAX_BYTES - body.length()));
    assertThat(PitemCodec.read(edge, "edge.pkg").fileSize()).isEqualTo(3);
    Files.writeString(edge, body + " ".repeat((int) PitemCodec.MAX_BYTES - body.length() + 1));
    assertThatThrownBy(() -> PitemCodec.read(edge, "edge.pkg")).hasMessageContaining("too large");
  }

  /** A symlinked pitem could make pantri read (and quote in errors) any file on the machine. */
  @Test
  void aSymlinkedPitemIsRefused() throws Exception {
    Path secret = Files.writeString(tmp.resolve("secret.txt"), "ghp_secret_token_value");
    Path link = Files.createSymbolicLink(tmp.resolve("tool.pkg.pitem"), secret);
    assertThatThrownBy(() -> PitemCodec.read(link, "tool.pkg"))
        .isInstanceOf(PitemException.class)
        .hasMessageStartingWith(link + ": ")
        .hasMessageContaining("symbolic link")
        .hasMessageNotContaining("ghp_secret");
    // a link to a valid pitem is still a link
    Path real = tmp.resolve("real");
    Files.writeString(real, pitem("a.pkg", good()));
    Path link2 = Files.createSymbolicLink(tmp.resolve("a.pkg.pitem"), real);
    assertThatThrownBy(() -> PitemCodec.read(link2, "a.pkg")).hasMessageContaining("symbolic link");
  }

  /** /dev/zero reports size 0 and never ends; reading it whole would exhaust memory. */
  @Test
  void devicesFifosAndDirectoriesAreRefusedPromptly() throws Exception {
    Path zero = Path.of("/dev/zero");
    assumeTrue(Files.exists(zero));
    Path link = Files.createSymbolicLink(tmp.resolve("zero.pkg.pitem"), zero);
    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> PitemCodec.read(link, "zero.pkg")).isInstanceOf(PitemException.class)
            .hasMessageStartingWith(link + ": "));
    Path dir = Files.createDirectory(tmp.resolve("dir.pkg.pitem"));
    assertThatThrownBy(() -> PitemCodec.read(dir, "dir.pkg")).isInstanceOf(PitemException.class)
        .hasMessageContaining("not a regular file");
    Path fifo = tmp.resolve("fifo.pkg.pitem");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    if (p.waitFor() == 0) {
      // Opening a FIFO with no writer blocks forever: it must be refused before opening.
      assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
          assertThatThrownBy(() -> PitemCodec.read(fifo, "fifo.pkg")).isInstanceOf(PitemException.class)
              .hasMessageContaining("not a regular file"));
    }
  }

  @Test
  void writeReplacesASymlinkWithoutTouchingItsTarget() throws Exception {
    Pitem p = new Pitem("tool.pkg", 3, 1500000000, SHA1, SHA256);
    Path target = Files.writeString(tmp.resolve("target"), "do not touch");
    Path link = Files.createSymbolicLink(tmp.resolve("tool.pkg.pitem"), target);
    PitemCodec.write(link, p);
    assertThat(Files.isSymbolicLink(link)).isFalse();
    assertThat(Files.readAllBytes(link)).isEqualTo(PitemCodec.encode(p));
    assertThat(Files.readString(target)).isEqualTo("do not touch");
    // and never reads an endless file it replaces
    Path zero = Files.createSymbolicLink(tmp.resolve("z.pkg.pitem"), Path.of("/dev/zero"));
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> PitemCodec.write(zero, p));
    assertThat(Files.isRegularFile(zero, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(tmpFilesLeft()).isEmpty();
  }

  /** An unchanged pitem is not rewritten (same inode, same mtime): git and editors see no change. */
  @Test
  void writeLeavesAnIdenticalPitemAlone() throws Exception {
    Pitem p = new Pitem("tool.pkg", 3, 1500000000, SHA1, SHA256, Map.of("note", "x"));
    Path f = tmp.resolve("tool.pkg.pitem");
    PitemCodec.write(f, p);
    Object inode = Files.getAttribute(f, "unix:ino");
    Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
    PitemCodec.write(f, p);
    assertThat(Files.getAttribute(f, "unix:ino")).isEqualTo(inode);
    assertThat(Files.getLastModifiedTime(f).toMillis()).isEqualTo(1_000_000_000_000L);
    PitemCodec.write(f, new Pitem("tool.pkg", 4, 1500000000, SHA1, SHA256));
    assertThat(PitemCodec.read(f, "tool.pkg").fileSize()).isEqualTo(4);
    assertThat(tmpFilesLeft()).isEmpty();
  }

  private List<Path> tmpFilesLeft() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(x -> x.getFileName().toString().contains(".tmp")).toList();
    }
  }

  /** Bytes read(2) by this process so far, or -1 off Linux. */
  private static long rchar() throws IOException {
    Path io = Path.of("/proc/self/io");
    if (!Files.isReadable(io)) {
      return -1;
    }
    for (String line : Files.readAllLines(io)) {
      if (line.startsWith("rchar:")) {
        return Long.parseLong(line.substring(6).trim());
      }
    }
    return -1;
  }
}

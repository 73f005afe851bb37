package org.pantri.pitem;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.text.Normalizer;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes {@code .pitem} files in the original tool's exact form. Reading treats the
 * file as untrusted: the one key must be a clean relative path equal to the pitem's own location.
 */
public final class PitemCodec {
  public static final String SUFFIX = ".pitem";
  /** Larger than any real pitem by far; refuses a hostile multi-GB "pointer". */
  static final long MAX_BYTES = 1 << 20;
  /** The largest pitem accepted (a pitem is ~250 bytes; anything near this is hostile). */
  public static final long MAX_PITEM_BYTES = MAX_BYTES;
  // No field-name canonicalization: a pitem's top-level key is its path, unique per file, so the
  // shared symbol table only grew and was copied by every parser (a quarter of an unchanged
  // store's CPU at 25,000 pitems, growing with the square of the count).
  private static final ObjectMapper MAPPER =
      new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
          .disable(com.fasterxml.jackson.core.JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build())
          .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

  private PitemCodec() {}

  /** The exact bytes the original tool writes for this pitem (ASCII, no trailing newline). */
  public static byte[] encode(Pitem p) {
    Map<String, Object> inner = new LinkedHashMap<>(p.extra());
    inner.put("file_size", p.fileSize());
    inner.put("modified_time", p.modifiedTime());
    if (p.sha1() != null) {
      inner.put("sha1_hash", p.sha1());
    }
    inner.put("sha256_hash", p.sha256());
    return PythonJson.write(Map.of(p.path(), inner)).getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Checks that a pitem key is a safe path relative to shelves/: not empty, not absolute, no
   * backslash, NUL or control character (C0, DEL or C1), no empty, "." or ".." segment.
   */
  public static void checkRelativePath(String key, String where) throws PitemException {
    if (key.isEmpty()) {
      throw new PitemException(where + ": empty object path");
    }
    if (key.startsWith("/") || key.length() >= 2 && key.charAt(1) == ':' && asciiLetter(key.charAt(0))) {
      throw new PitemException(where + ": absolute object path '" + printable(key) + "' refused");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '\\' || Character.isISOControl(c)) {
        throw new PitemException(where + ": object path '" + printable(key)
            + "' contains a backslash or control character; refused");
      }
    }
    // segment by segment without splitting: every pitem of a large store passes through here
    for (int from = 0; from <= key.length(); ) {
      int to = key.indexOf('/', from);
      if (to < 0) {
        to = key.length();
      }
      int len = to - from;
      if (len == 0 || key.charAt(from) == '.' && (len == 1 || len == 2 && key.charAt(from + 1) == '.')) {
        throw new PitemException(where + ": object path '" + printable(key)
            + "' has an empty, '.' or '..' segment; refused");
      }
      from = to + 1;
    }
  }

  /**
   * Refuses bytes that are not strict UTF-8. Checked here, not left to Jackson: without field-name
   * canonicalization its name decoding lets a malformed sequence through as a replacement character.
   */
  private static void requireUtf8(byte[] bytes, String where) throws PitemException {
    for (byte b : bytes) {
      if (b < 0) {
        try {
          StandardCharsets.UTF_8.newDecoder()
              .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
              .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes));
        } catch (java.nio.charset.CharacterCodingException e) {
          throw new PitemException(where + ": not valid JSON (not UTF-8: " + e.getMessage() + ")");
        }
        return;
      }
    }
  }

  /**
   * Parses pitem bytes. {@code expectedPath} is the path (relative to shelves/) implied by the
   * pitem's own location, e.g. "mac/a.pkg" for shelves/mac/a.pkg.pitem; the key must name it.
   * {@code where} names the file in messages.
   */
  public static Pitem decode(byte[] bytes, String expectedPath, String where) throws PitemException {
    if (bytes.length > MAX_BYTES) {
      throw new PitemException(where + ": " + bytes.length + " bytes is too large for a pitem");
    }
    requireUtf8(bytes, where);
    Pitem common = PitemFastPath.tryDecode(bytes, expectedPath);
    return common != null ? common : decodeTree(bytes, expectedPath, where);
  }

  /** {@link #decode} through Jackson's tree: every form JSON allows, and every error message. */
  static Pitem decodeTree(byte[] bytes, String expectedPath, String where) throws PitemException {
    JsonNode root;
    try {
      root = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      // Jackson quotes the offending token: escaped and cut, so a hostile file cannot put
      // terminal escapes or much of its content into logs.
      throw new PitemException(where + ": not valid JSON (" + printable(String.valueOf(e.getOriginalMessage())) + ")");
    } catch (IOException e) {
      throw new PitemException(where + ": unreadable (" + e.getMessage() + ")");
    }
    if (root == null || !root.isObject() || root.size() != 1) {
      throw new PitemException(where + ": expected one JSON object with exactly one key");
    }
    Map.Entry<String, JsonNode> e = root.fields().next();
    String key = e.getKey();
    checkRelativePath(key, where);
    if (expectedPath != null && !nfc(key).equals(nfc(expectedPath))) {
      throw new PitemException(where + ": names '" + printable(key)
          + "' but its location says '" + printable(expectedPath) + "'; refused");
    }
    if (key.equals(expectedPath)) {
      key = expectedPath; // one string for both: a store of 100,000 pitems keeps every key
    }
    JsonNode v = e.getValue();
    if (!v.isObject()) {
      throw new PitemException(where + ": value of '" + key + "' is not an object");
    }
    long size = requireLong(v, "file_size", where, false);
    if (size < 0) {
      throw new PitemException(where + ": negative file_size");
    }
    long mtime = v.has("modified_time") ? requireLong(v, "modified_time", where, true) : 0;
    String sha1 = optionalHex(v, "sha1_hash", 40, where);
    String sha256 = optionalHex(v, "sha256_hash", 64, where);
    if (sha256 == null) {
      throw new PitemException(where + ": missing sha256_hash");
    }
    Map<String, Object> extra = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      switch (f.getKey()) {
        case "file_size", "modified_time", "sha1_hash", "sha256_hash" -> {}
        default -> extra.put(f.getKey(), MAPPER.convertValue(f.getValue(), Object.class));
      }
    }
    return new Pitem(key, size, mtime, sha1, sha256, extra);
  }

  /**
   * Reads a pitem file; {@code expectedPath} as for {@link #decode}. Only a regular file, never
   * through a symbolic link: a committed link could make us read (and quote in errors) any file
   * on the machine, and /dev/zero or a FIFO would never end or never open.
   */
  public static Pitem read(Path file, String expectedPath) throws PitemException, IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (a.isSymbolicLink()) {
      throw new PitemException(file + ": is a symbolic link; a pitem must be a regular file; refused");
    }
    if (!a.isRegularFile()) {
      throw new PitemException(file + ": not a regular file; refused");
    }
    return readWalked(file, expectedPath, a.size());
  }

  private static final Set<java.nio.file.OpenOption> READ_NO_FOLLOW =
      Set.of(java.nio.file.StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

  /** Up to {@code n} bytes of {@code ch} (fewer only at its end), in a buffer's array from 0. */
  private static java.nio.ByteBuffer fill(java.nio.channels.FileChannel ch, int n) throws IOException {
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(n);
    while (buf.hasRemaining() && ch.read(buf) >= 0) {
      // until full or at the end of the file
    }
    return buf;
  }

  /**
   * {@link #read(Path, String)} of a file that a directory walk has just seen as a regular file of
   * {@code size} bytes, without a second stat (a store of 100,000 unchanged binaries made 100,000).
   * It is still opened without following a link, and read no further than {@link #MAX_BYTES}
   * whatever it has become since.
   */
  public static Pitem readWalked(Path file, String expectedPath, long size) throws PitemException, IOException {
    if (size > MAX_BYTES) {
      throw new PitemException(file + ": " + size + " bytes is too large for a pitem");
    }
    byte[] bytes;
    // A channel opened with a constant option set (Files.newInputStream built a HashSet and a
    // stream per pitem) into one array of the size the stat said, then one byte more to see whether
    // the file grew since: bounded whatever the size said, as it may have shrunk or grown.
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file, READ_NO_FOLLOW)) {
      java.nio.ByteBuffer buf = fill(ch, (int) size);
      java.nio.ByteBuffer more = buf.hasRemaining() ? null : fill(ch, 1);
      if (buf.hasRemaining()) {
        bytes = java.util.Arrays.copyOf(buf.array(), buf.position()); // it shrank
      } else if (more.position() == 0) {
        bytes = buf.array(); // the size the walk saw: the common case, no copy
      } else {
        java.nio.ByteBuffer rest = fill(ch, (int) (MAX_BYTES - size)); // up to one byte past the limit
        bytes = new byte[(int) size + 1 + rest.position()];
        System.arraycopy(buf.array(), 0, bytes, 0, (int) size);
        bytes[(int) size] = more.get(0);
        System.arraycopy(rest.array(), 0, bytes, (int) size + 1, rest.position());
      }
    }
    if (bytes.length > MAX_BYTES) {
      throw new PitemException(file + ": more than " + MAX_BYTES + " bytes is too large for a pitem");
    }
    return decode(bytes, expectedPath, file.toString());
  }

  /** Writes the pitem atomically (temp file + rename) so a crash never leaves half a pointer. */
  public static void write(Path file, Pitem p) throws IOException {
    byte[] bytes = encode(p);
    if (unchanged(file, bytes)) {
      return;
    }
    org.pantri.io.AtomicFiles.write(file, bytes);
  }

  /**
   * True when {@code file} is a regular file holding exactly {@code bytes}. Compares only a file
   * of that length, never through a link, so whatever sits there is never read whole.
   */
  private static boolean unchanged(Path file, byte[] bytes) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
    if (!a.isRegularFile() || a.size() != bytes.length) {
      return false;
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      return java.util.Arrays.equals(in.readNBytes(bytes.length + 1), bytes);
    }
  }

  /**
   * An integer field. A float is a foreign writer's: modified_time is truncated as the
   * original's int() did; file_size must still be a whole number (1.5 bytes is no size).
   */
  private static long requireLong(JsonNode v, String field, String where, boolean truncate)
      throws PitemException {
    JsonNode n = v.get(field);
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
      if (n != null && n.isFloatingPointNumber() && Double.isFinite(n.doubleValue())
          && Math.abs(n.doubleValue()) < 9e15 && (truncate || n.doubleValue() == Math.rint(n.doubleValue()))) {
        return (long) n.doubleValue();
      }
      throw new PitemException(where + ": " + field + " missing or not an integer");
    }
    return n.longValue();
  }

  private static boolean asciiLetter(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  /** True when {@code s} is exactly {@code length} hex digits (either case). */
  private static boolean hex(String s, int length) {
    if (s.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }

  private static String optionalHex(JsonNode v, String field, int length, String where)
      throws PitemException {
    JsonNode n = v.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual() || !hex(n.textValue(), length)) {
      throw new PitemException(where + ": " + field + " is not a hex digest");
    }
    return n.textValue().toLowerCase(java.util.Locale.ROOT);
  }

  private static String nfc(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFC);
  }

  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(Character.isISOControl(c) ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return sb.length() > 200 ? sb.substring(0, 200) + "..." : sb.toString();
  }
}

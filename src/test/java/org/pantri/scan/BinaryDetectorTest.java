package org.pantri.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Oracle;

/**
 * BinaryDetector against libmagic: {@code file --mime-encoding -b} is the command the original
 * asked, so it is the oracle, run once for many files (never a process per file).
 */
class BinaryDetectorTest {
  @TempDir Path tmp;

  /** What `file --mime-encoding -b` answers for each file, in order: one process for all. */
  private List<String> fileSays(List<Path> files) throws IOException {
    Oracle.require(Oracle.FILE);
    Path list = Files.createTempFile(tmp, "files", ".lst");
    List<String> lines = new ArrayList<>();
    for (Path p : files) {
      lines.add(p.toString());
    }
    Files.write(list, lines, StandardCharsets.UTF_8);
    String out = new String(Oracle.run(List.of(Oracle.FILE.toString(), "--mime-encoding", "-b", "-f",
        list.toString()), new byte[0]), StandardCharsets.UTF_8);
    List<String> answers = out.lines().toList();
    assertThat(answers).as("one answer per file").hasSize(files.size());
    return answers;
  }

  private record Verdicts(int agree, int binaries, List<String> disagreements) {}

  private Verdicts compare(List<Path> files) throws IOException {
    List<String> magic = fileSays(files);
    int agree = 0;
    int binaries = 0;
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      boolean magicBinary = magic.get(i).equals("binary");
      boolean ours = BinaryDetector.isBinary(files.get(i));
      binaries += ours ? 1 : 0;
      if (ours == magicBinary) {
        agree++;
      } else {
        bad.add(files.get(i) + ": file says " + magic.get(i) + ", BinaryDetector says "
            + (ours ? "binary" : "text"));
      }
    }
    return new Verdicts(agree, binaries, bad);
  }

  /**
   * A deterministic sample of the machine's own files: every k-th regular file (sorted paths,
   * links never followed) under /usr/bin, /usr/lib, /usr/share and /etc.
   */
  @Test
  void agreesWithFileOnTheMachinesOwnFiles() throws IOException {
    Oracle.require(Oracle.FILE);
    List<Path> all = new ArrayList<>();
    for (String root : new String[] {"/usr/bin", "/usr/lib", "/usr/share", "/etc"}) {
      Path r = Path.of(root);
      if (!Files.isDirectory(r)) {
        continue;
      }
      Files.walkFileTree(r, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
          // `file -f` reads one name per line; a name with a newline cannot be listed.
          if (a.isRegularFile() && !f.toString().contains("\n")) {
            all.add(f);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    }
    all.sort(null);
    int wanted = 3000;
    int k = Math.max(1, all.size() / wanted);
    List<Path> sample = new ArrayList<>();
    for (int i = 0; i < all.size(); i += k) {
      // Unreadable files (when not run as root) have no content to compare.
      if (Files.isReadable(all.get(i))) {
        sample.add(all.get(i));
      }
    }
    assertThat(sample).as("files to sample on this machine").hasSizeGreaterThan(500);
    Verdicts v = compare(sample);
    int binaries = v.binaries();
    double rate = 100.0 * v.agree() / sample.size();
    System.out.printf("BinaryDetector vs file --mime-encoding: %d of %d sampled files agree (%.2f%%),"
        + " %d binary by our count; every %d-th of %d files%n",
        v.agree(), sample.size(), rate, binaries, k, all.size());
    v.disagreements().stream().limit(20).forEach(d -> System.out.println("  disagreement: " + d));
    // Both kinds must be well represented, or agreement would say little.
    assertThat(binaries).isBetween(sample.size() / 10, sample.size() - sample.size() / 10);
    assertThat(rate).as("agreement with file(1), disagreements: %s",
        v.disagreements().subList(0, Math.min(20, v.disagreements().size()))).isGreaterThanOrEqualTo(99.0);
  }

  @Test
  void agreesWithFileOnCraftedContent() throws IOException {
    Map<String, byte[]> cases = new LinkedHashMap<>();
    cases.put("empty", new byte[0]);
    cases.put("one-letter", ascii("a"));
    cases.put("one-nul", new byte[] {0});
    cases.put("letter-newline", ascii("a\n"));
    cases.put("ascii", ascii("#!/bin/sh\necho hello world\n\tindented\r\n"));
    for (int c : new int[] {0x00, 0x01, 0x06, 0x07, 0x08, 0x0b, 0x0c, 0x0e, 0x1a, 0x1b, 0x1c, 0x1f,
        0x7f, 0x80, 0x85, 0x9f, 0xa0, 0xff}) {
      cases.put(String.format("ascii-with-%02x", c), concat(ascii("some text "), new byte[] {(byte) c},
          ascii(" more text\n")));
    }
    String intl = "café, naïve, 日本語, emoji 😀, ü\n";
    cases.put("utf8", intl.getBytes(StandardCharsets.UTF_8));
    cases.put("utf8-bom", concat(bom8(), intl.getBytes(StandardCharsets.UTF_8)));
    cases.put("utf8-bom-control", concat(bom8(), ascii("x\u0001y\n")));
    cases.put("utf8-bom-only", bom8());
    cases.put("utf8-overlong", concat(ascii("a "), new byte[] {(byte) 0xc0, (byte) 0x80}, ascii(" b\n")));
    cases.put("utf8-surrogate", concat(ascii("a "), new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        ascii("\n")));
    cases.put("utf8-truncated", Arrays.copyOf(intl.getBytes(StandardCharsets.UTF_8),
        intl.getBytes(StandardCharsets.UTF_8).length - 4));
    cases.put("utf8-with-nul", concat(intl.getBytes(StandardCharsets.UTF_8), new byte[] {0}));
    for (String cs : new String[] {"UTF-16LE", "UTF-16BE"}) {
      boolean le = cs.endsWith("LE");
      byte[] bom = le ? new byte[] {(byte) 0xff, (byte) 0xfe} : new byte[] {(byte) 0xfe, (byte) 0xff};
      Charset c = Charset.forName(cs);
      cases.put(cs + "-bom", concat(bom, intl.getBytes(c)));
      cases.put(cs + "-no-bom", intl.getBytes(c));
      cases.put(cs + "-bom-control", concat(bom, "a\u0001b".getBytes(c)));
      cases.put(cs + "-bom-fffe", concat(bom, unit16(0xfffe, le), "ab".getBytes(c)));
      cases.put(cs + "-bom-ffff", concat(bom, "ab".getBytes(c), unit16(0xffff, le)));
      cases.put(cs + "-bom-fdd0", concat(bom, "ab".getBytes(c), unit16(0xfdd0, le)));
      cases.put(cs + "-bom-lone-high", concat(bom, unit16(0xd83d, le), "ab".getBytes(c)));
      cases.put(cs + "-bom-high-at-end", concat(bom, "ab".getBytes(c), unit16(0xd83d, le)));
      cases.put(cs + "-bom-lone-low", concat(bom, "a".getBytes(c), unit16(0xde00, le), "b".getBytes(c)));
      cases.put(cs + "-bom-odd-byte", concat(bom, "abc".getBytes(c), new byte[] {1}));
      cases.put(cs + "-bom-only", bom);
    }
    for (String cs : new String[] {"UTF-32LE", "UTF-32BE"}) {
      Charset c = Charset.forName(cs);
      byte[] bom = "\ufeff".getBytes(c);
      cases.put(cs + "-bom", concat(bom, intl.getBytes(c)));
      cases.put(cs + "-no-bom", intl.getBytes(c));
      cases.put(cs + "-bom-control", concat(bom, "a\u0002b".getBytes(c)));
      boolean le = cs.endsWith("LE");
      cases.put(cs + "-bom-fffe", concat(bom, "a".getBytes(c), unit32(0xfffe, le)));
      cases.put(cs + "-bom-huge", concat(bom, "a".getBytes(c), unit32(0x7fffffff, le)));
      cases.put(cs + "-bom-partial", concat(bom, "ab".getBytes(c), new byte[] {0, 0}));
    }
    cases.put("latin1", "café crème brûlée, Ærøskøbing\n".getBytes(StandardCharsets.ISO_8859_1));
    cases.put("cp1252", "“quoted” – dash € sign\n".getBytes(Charset.forName("windows-1252")));
    Charset ebcdic = Charset.forName("IBM037");
    cases.put("ebcdic", "HELLO WORLD, THIS IS EBCDIC TEXT.\n".getBytes(ebcdic));
    cases.put("ebcdic-with-e1", concat("HELLO ".getBytes(ebcdic), new byte[] {(byte) 0xe1}));
    cases.put("ebcdic-with-nul", concat("HELLO ".getBytes(ebcdic), new byte[] {0}));
    cases.put("png", concat(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d},
        ascii("IHDR"), new byte[] {0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0}));
    cases.put("gzip", new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b, 0x4c, 0x4a, 6, 0});
    cases.put("elf", concat(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}, new byte[56]));
    cases.put("pdf-with-binary-comment", concat(ascii("%PDF-1.4\n%"), new byte[] {(byte) 0xe2, (byte) 0xe3,
        (byte) 0xcf, (byte) 0xd3}, ascii("\n1 0 obj\n<< >>\nendobj\n")));
    cases.put("zip-header", concat(ascii("PK"), new byte[] {3, 4, 20, 0, 0, 0, 8, 0}));
    cases.put("json", ascii("{\"a\": [1, 2, 3], \"b\": \"c\"}\n"));
    byte[] random = new byte[4096];
    new Random(7).nextBytes(random);
    cases.put("random", random);
    assertAllAgree(cases);
  }

  /**
   * One control byte late in a long text file: libmagic only looks at the first 64 KiB for the
   * encoding, so whether the file is binary depends on where the byte sits. Both sides of that
   * boundary, against file(1).
   */
  @Test
  void aLateBinaryByteCountsOnlyInsideTheSampleFileLooksAt() throws IOException {
    Map<String, byte[]> cases = new LinkedHashMap<>();
    byte[] text = new byte[200_000];
    for (int i = 0; i < text.length; i++) {
      text[i] = (byte) (i % 64 == 63 ? '\n' : 'a' + i % 26);
    }
    for (int at : new int[] {1000, BinaryDetector.SAMPLE - 2, BinaryDetector.SAMPLE - 1, BinaryDetector.SAMPLE,
        BinaryDetector.SAMPLE + 1, 100_000, text.length - 1}) {
      byte[] b = text.clone();
      b[at] = 0;
      cases.put("nul-at-" + at, b);
    }
    // A UTF-8 character cut by the 64 KiB boundary, and a UTF-16 control past it.
    byte[] cut = text.clone();
    byte[] e = "é".getBytes(StandardCharsets.UTF_8);
    cut[BinaryDetector.SAMPLE - 1] = e[0];
    cut[BinaryDetector.SAMPLE] = e[1];
    cases.put("utf8-cut-at-sample", cut);
    char[] chars = new char[50_000];
    Arrays.fill(chars, 'x');
    chars[40_000] = '\u0001';
    cases.put("utf16-control-past-sample", concat(new byte[] {(byte) 0xff, (byte) 0xfe},
        new String(chars).getBytes(StandardCharsets.UTF_16LE)));
    chars[40_000] = 'x';
    chars[20_000] = '\u0001';
    cases.put("utf16-control-inside-sample", concat(new byte[] {(byte) 0xff, (byte) 0xfe},
        new String(chars).getBytes(StandardCharsets.UTF_16LE)));
    assertAllAgree(cases);
  }

  private void assertAllAgree(Map<String, byte[]> cases) throws IOException {
    List<Path> files = new ArrayList<>();
    for (Map.Entry<String, byte[]> c : cases.entrySet()) {
      Path f = tmp.resolve(c.getKey());
      Files.write(f, c.getValue());
      files.add(f);
    }
    Verdicts v = compare(files);
    System.out.println("crafted: " + v.agree() + " of " + files.size() + " agree with file(1)");
    v.disagreements().forEach(d -> System.out.println("  disagreement: " + d));
    if (!v.disagreements().isEmpty()) {
      fail(v.disagreements().size() + " disagreements with file(1):\n" + String.join("\n", v.disagreements()));
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] bom8() {
    return new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
  }

  private static byte[] unit16(int u, boolean le) {
    return le ? new byte[] {(byte) u, (byte) (u >> 8)} : new byte[] {(byte) (u >> 8), (byte) u};
  }

  private static byte[] unit32(int u, boolean le) {
    byte[] b = {(byte) (u >> 24), (byte) (u >> 16), (byte) (u >> 8), (byte) u};
    if (le) {
      return new byte[] {b[3], b[2], b[1], b[0]};
    }
    return b;
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}

package org.pantri.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.Oracle;

/** SHA-1 and SHA-256 of files, checked against Python's hashlib and the FIPS 180 vectors. */
class HasherTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  @Test
  void publishedVectors() throws IOException {
    Path abc = Files.writeString(tmp.resolve("abc"), "abc", StandardCharsets.US_ASCII);
    Digests d = Hasher.hash(abc);
    // FIPS 180-2, appendix A/B: "abc"
    assertThat(d.sha1()).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
    assertThat(d.sha256()).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(d.size()).isEqualTo(3);
    Digests e = Hasher.hash(Files.createFile(tmp.resolve("empty")));
    assertThat(e.sha1()).isEqualTo("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assertThat(e.sha256()).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(e.size()).isZero();
  }

  @Test
  void agreesWithPythonHashlibAroundTheBufferSize() throws IOException {
    int b = Hasher.BUFFER;
    long[] sizes = {0, 1, 2, 63, 64, 65, b - 1, b, b + 1, 2L * b - 1, 2L * b, 2L * b + 1,
        3 * 1024 * 1024 + 17, 5L * 1024 * 1024,
        // the two-core path: at its threshold, and around whole and partial 1 MiB chunks above it
        Hasher.PARALLEL_FROM - 1, Hasher.PARALLEL_FROM, Hasher.PARALLEL_FROM + 1,
        Hasher.PARALLEL_FROM + (5L << 20) + 12345};
    Random r = new Random(42);
    List<Path> files = new ArrayList<>();
    for (long size : sizes) {
      Path f = tmp.resolve("f" + size);
      write(f, size, r);
      files.add(f);
    }
    String script = String.join("\n",
        "import sys, json, hashlib, os",
        "out = []",
        "for name in json.load(sys.stdin):",
        "    s1, s256 = hashlib.sha1(), hashlib.sha256()",
        "    with open(name, 'rb') as f:",
        "        data = f.read()",
        "    s1.update(data); s256.update(data)",
        "    out.append([len(data), s1.hexdigest(), s256.hexdigest()])",
        "print(json.dumps(out))");
    List<String> names = files.stream().map(Path::toString).toList();
    JsonNode want = JSON.readTree(Oracle.pythonText(script, JSON.writeValueAsString(names)));
    for (int i = 0; i < files.size(); i++) {
      Digests got = Hasher.hash(files.get(i));
      JsonNode w = want.get(i);
      assertThat(got.size()).as(names.get(i)).isEqualTo(w.get(0).asLong()).isEqualTo(sizes[i]);
      assertThat(got.sha1()).as(names.get(i)).isEqualTo(w.get(1).textValue());
      assertThat(got.sha256()).as(names.get(i)).isEqualTo(w.get(2).textValue());
    }
  }

  /**
   * One pass: the bytes this process read while hashing (Linux's rchar, which counts every
   * read(2) by any thread) stay well under twice the file's size. A second pass for the other
   * digest would double them.
   */
  @Test
  void readsTheFileOnce() throws IOException {
    Path io = Path.of("/proc/self/io");
    assumeTrue(Files.isReadable(io), "needs Linux /proc/self/io");
    long size = 48L * 1024 * 1024;
    Path big = tmp.resolve("big");
    write(big, size, new Random(1));
    Path small = tmp.resolve("small");
    write(small, 10_000, new Random(2));
    Hasher.hash(small); // class loading and digest provider set-up read jars: not part of the pass
    long before = rchar(io);
    Digests d = Hasher.hash(big);
    long read = rchar(io) - before;
    System.out.printf("Hasher: %d bytes read(2) for a %d-byte file (%.3fx)%n", read, size, (double) read / size);
    assertThat(d.size()).isEqualTo(size);
    assertThat(read).as("bytes read while hashing a %d-byte file", size).isLessThan(size + size / 2);
  }

  private static long rchar(Path io) throws IOException {
    for (String line : Files.readAllLines(io)) {
      if (line.startsWith("rchar:")) {
        return Long.parseLong(line.substring(6).trim());
      }
    }
    throw new IllegalStateException("no rchar in " + io);
  }

  private static void write(Path f, long size, Random r) throws IOException {
    byte[] chunk = new byte[1 << 20];
    try (OutputStream o = Files.newOutputStream(f)) {
      long left = size;
      while (left > 0) {
        r.nextBytes(chunk);
        int n = (int) Math.min(chunk.length, left);
        o.write(chunk, 0, n);
        left -= n;
      }
    }
  }
}

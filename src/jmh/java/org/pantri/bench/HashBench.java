package org.pantri.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.pantri.scan.Digests;
import org.pantri.scan.Hasher;

/**
 * Hashing one large file (scripts/bench.sh passes {@code -p file=...}, the same file it times
 * {@code openssl dgst} on, already in the page cache). One operation = one whole pass over the
 * file, so MB/s = file size / score.
 *
 * <ul>
 *   <li>{@code pantriHasher}: the product's one-pass SHA-1 + SHA-256 ({@link Hasher#hash}).
 *   <li>{@code javaSha256Alone}, {@code javaSha1Alone}: one JDK digest over the same bytes, the
 *       lower bounds for the pair.
 *   <li>{@code sketchTwoThreads}: not product code, the same split as {@link Hasher} (the
 *       calling thread reads and feeds SHA-1, a second thread feeds SHA-256) done with two buffers
 *       and a future per buffer instead of Hasher's queue of four, for comparison: either way the
 *       pass costs about max(SHA-1 + read, SHA-256) instead of their sum.
 * </ul>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xss512k"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class HashBench {
  /** The file to hash. */
  @Param("")
  public String file;

  private Path path;
  private ExecutorService helper;

  @Setup
  public void setup() throws IOException {
    if (file == null || file.isEmpty()) {
      throw new IllegalArgumentException("run with -p file=/path/to/a/large/file");
    }
    path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new IOException("no such file: " + path);
    }
    helper = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sha256");
      t.setDaemon(true);
      return t;
    });
  }

  @TearDown
  public void tearDown() {
    helper.shutdownNow();
  }

  @Benchmark
  public Digests pantriHasher() throws IOException {
    return Hasher.hash(path);
  }

  @Benchmark
  public byte[] javaSha256Alone() throws IOException {
    return digestAlone("SHA-256");
  }

  @Benchmark
  public byte[] javaSha1Alone() throws IOException {
    return digestAlone("SHA-1");
  }

  private byte[] digestAlone(String alg) throws IOException {
    MessageDigest md = md(alg);
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(path)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return md.digest();
  }

  @Benchmark
  public String sketchTwoThreads() throws Exception {
    MessageDigest s1 = md("SHA-1");
    MessageDigest s256 = md("SHA-256");
    byte[][] bufs = {new byte[1 << 20], new byte[1 << 20]};
    Future<?> pending = null;
    try (InputStream in = Files.newInputStream(path)) {
      for (int i = 0; ; i ^= 1) {
        byte[] b = bufs[i];
        int n = in.readNBytes(b, 0, b.length); // buffer i is free: its SHA-256 was awaited last round
        if (pending != null) {
          pending.get();
        }
        if (n <= 0) {
          break;
        }
        final int len = n;
        pending = helper.submit(() -> s256.update(b, 0, len));
        s1.update(b, 0, n);
      }
    }
    return HexFormat.of().formatHex(s1.digest()) + HexFormat.of().formatHex(s256.digest());
  }

  private static MessageDigest md(String alg) {
    try {
      return MessageDigest.getInstance(alg);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package org.pantri.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;
import org.pantri.scan.BinaryDetector;

/**
 * {@link BinaryDetector} over a corpus of real files (scripts/bench.sh writes the list, one path
 * a line, of executables, libraries, man pages, docs, scripts, configs and translations from the
 * system and passes {@code -p corpus=LIST}). One operation = one pass over the whole corpus, so
 * files/s = corpus size / score.
 *
 * <ul>
 *   <li>{@code detectFiles}: {@link BinaryDetector#isBinary(Path)}, what {@code store} calls per
 *       file: open, read the head, classify (files in the page cache).
 *   <li>{@code detectInMemory}: {@link BinaryDetector#isBinary(byte[], int)} on the heads read in
 *       advance (the first 64 KiB of each file): the classifier alone.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseSerialGC", "-Xss512k"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BinaryDetectBench {
  static final int HEAD = 64 * 1024;

  /** A text file listing the corpus, one path a line. */
  @Param("")
  public String corpus;

  private List<Path> files;
  private byte[][] heads;
  private int[] lens;

  @Setup
  public void setup() throws IOException {
    if (corpus == null || corpus.isEmpty()) {
      throw new IllegalArgumentException("run with -p corpus=/path/to/file-list");
    }
    files = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(corpus))) {
      if (!line.isBlank()) {
        files.add(Path.of(line));
      }
    }
    heads = new byte[files.size()][];
    lens = new int[files.size()];
    for (int i = 0; i < files.size(); i++) {
      try (InputStream in = Files.newInputStream(files.get(i))) {
        heads[i] = in.readNBytes(HEAD);
        lens[i] = heads[i].length;
      }
    }
  }

  @Benchmark
  public int detectFiles() throws IOException {
    int binary = 0;
    for (Path f : files) {
      if (BinaryDetector.isBinary(f)) {
        binary++;
      }
    }
    return binary;
  }

  @Benchmark
  public int detectInMemory() {
    int binary = 0;
    for (int i = 0; i < heads.length; i++) {
      if (BinaryDetector.isBinary(heads[i], lens[i])) {
        binary++;
      }
    }
    return binary;
  }
}

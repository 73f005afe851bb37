package org.pantri.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Files of seeded random bytes: the same seed, the same content, in every test. */
public final class RandomFiles {
  private RandomFiles() {}

  /** Writes {@code size} random bytes from {@code seed} to {@code dir/name} and returns its path. */
  public static Path write(Path dir, String name, int size, long seed) throws IOException {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    Path p = dir.resolve(name);
    Files.write(p, b);
    return p;
  }
}

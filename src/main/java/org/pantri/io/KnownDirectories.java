package org.pantri.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Directories created (or found) once: thousands of files written into a few directories would
 * otherwise cost a failing mkdir and a stat each. Safe for concurrent use.
 */
public final class KnownDirectories {
  private final Set<Path> known = ConcurrentHashMap.newKeySet();

  /** Creates {@code dir} and its parents unless this instance already did. */
  public void ensure(Path dir) throws IOException {
    if (dir != null && !known.contains(dir)) {
      Files.createDirectories(dir);
      known.add(dir);
    }
  }
}

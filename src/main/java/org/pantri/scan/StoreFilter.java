package org.pantri.scan;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Decides which files {@code store} uploads: SPEC §4 steps 1–3. */
public final class StoreFilter {
  public static final String PITEM_SUFFIX = ".pitem";
  private final List<FnMatch> ignores;
  private final List<FnMatch> overrides;

  public StoreFilter(List<String> ignorePatterns, List<String> binaryOverrides) {
    this.ignores = ignorePatterns.stream().map(FnMatch::compile).toList();
    this.overrides = binaryOverrides.stream().map(FnMatch::compile).toList();
  }

  /** Why a file is skipped, or null when it is stored. Reads the file's head only when needed. */
  public String skipReason(Path file, String name) throws IOException {
    String byName = skipByName(name);
    if (byName != null) {
      return byName;
    }
    return storesContent(file, name) ? null : "text";
  }

  /** "pitem" or "ignored" when the name alone rules the file out (steps 1), else null. */
  public String skipByName(String name) {
    if (name.endsWith(PITEM_SUFFIX)) {
      return "pitem";
    }
    for (FnMatch m : ignores) {
      if (m.matches(name)) {
        return "ignored";
      }
    }
    return null;
  }

  /** Steps 2-3 for a file not ruled out by name: a binary override, or binary content. */
  public boolean storesContent(Path file, String name) throws IOException {
    for (FnMatch m : overrides) {
      if (m.matches(name)) {
        return true;
      }
    }
    return BinaryDetector.isBinary(file);
  }
}

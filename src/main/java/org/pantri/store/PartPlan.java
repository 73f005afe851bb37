package org.pantri.store;

/**
 * How a file of {@code size} bytes is split into parts of {@code partSize} bytes: the one place
 * the part arithmetic lives (the engine schedules by it, Swift SLO and S3 multipart check and
 * name by it). Parts are numbered from 1; the last one may be shorter.
 */
public record PartPlan(long size, long partSize) {
  public PartPlan {
    if (size < 0 || partSize <= 0) {
      throw new IllegalArgumentException("size " + size + " / part size " + partSize);
    }
  }

  /** Number of parts (at least 1, even for an empty file). */
  public int count() {
    return (int) Math.max(1, (size + partSize - 1) / partSize);
  }

  /** Byte offset of part {@code n}. */
  public long offset(int n) {
    return (n - 1) * partSize;
  }

  /** Length of part {@code n} (0 for a number past the end). */
  public long length(int n) {
    return Math.max(0, Math.min(partSize, size - offset(n)));
  }

  /** True when {@code n}, {@code offset} and {@code length} describe exactly one part of this plan. */
  public boolean matches(int n, long offset, long length) {
    return n >= 1 && n <= count() && offset == offset(n) && length == length(n);
  }

  /**
   * The smallest part size, at least {@code preferred} and a whole multiple of {@code unit}, that
   * splits {@code size} bytes into at most {@code maxParts} parts.
   */
  public static long fit(long size, long preferred, int maxParts, long unit) {
    long need = (size + maxParts - 1) / maxParts;
    if (need <= preferred) {
      return preferred;
    }
    return (need + unit - 1) / unit * unit;
  }
}

package org.pantri.store;

import java.nio.file.attribute.FileTime;
import java.time.Instant;

/** File times as the original Python tool saw them, so both tools agree on every file. */
public final class FileTimes {
  private FileTimes() {}

  /**
   * Python's {@code os.path.getmtime(p)}: the seconds and nanoseconds joined in a double, exactly
   * as CPython computes {@code st_mtime} ({@code sec + nsec * 1e-9}). Within ~0.1 µs below a whole
   * second that double rounds up to it.
   */
  public static double pythonMtime(FileTime t) {
    Instant i = t.toInstant();
    return (double) i.getEpochSecond() + (double) i.getNano() * 1e-9;
  }

  /** {@code int(os.path.getmtime(p))}: what the original writes as a pitem's modified_time. */
  public static long pythonSeconds(FileTime t) {
    return (long) pythonMtime(t);
  }

  /**
   * python-swiftclient's {@code X-Object-Meta-Mtime}: {@code "%f" % os.path.getmtime(p)}, i.e. the
   * double's exact value rounded half-even to six decimals (as C's printf does).
   */
  public static String swiftclientMtime(FileTime t) {
    return new java.math.BigDecimal(pythonMtime(t)).setScale(6, java.math.RoundingMode.HALF_EVEN).toPlainString();
  }
}

package org.pantri.transfer;

/** Receives progress from the engine; called from many threads. Renderers live in the CLI. */
public interface ProgressListener {
  /** A phase begins ("upload", "download") with this many objects and bytes to move. */
  default void begin(String phase, int objects, long bytes) {}

  /** Some bytes of some object moved. */
  default void bytes(long n) {}

  /** One object finished (transferred, or found already present). */
  default void done(String name, long size) {}

  /**
   * One object needed no transfer: the store (or the destination) already had it. It counts as
   * done; its bytes are not counted as moved.
   */
  default void present(String name, long size) {
    done(name, size);
  }

  /** One object failed for good. */
  default void failed(String name, String message) {}

  /** An attempt failed and will be retried. */
  default void retrying(String name, int attempt, String message) {}

  /** The phase ended. */
  default void end() {}

  ProgressListener NONE = new ProgressListener() {};
}

package org.pantri.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Optional capability: objects written first where no reader sees them, then made durable and
 * visible in batches. On a local file system every fsync is a journal commit and a device flush;
 * one sync of the file system for a batch of staged files makes all of them durable at the price
 * of one. The transfer engine stages each upload as soon as it is sent and publishes whatever has
 * gathered whenever the previous publish is done (a group commit); an object counts as stored only
 * once published, so nothing that points at it is written before it is durable under its name.
 */
public interface StagingStore extends ObjectStore {

  /** True when objects of {@code size} bytes are staged; others go through {@link #put}. */
  boolean stages(long size);

  /** Writes the file's bytes where no reader sees them; nothing is synced yet. */
  Staged stage(String key, Path source, PutMeta meta) throws IOException;

  /**
   * Makes the staged objects' bytes durable, then each visible under its key, then the names
   * durable. Returns those that could not be published, each with the reason; the others are
   * stored. A staged object is published or discarded once.
   */
  Map<Staged, IOException> publish(List<Staged> staged);

  /** Forgets a staged object that will not be published (its bytes are removed). */
  void discard(Staged staged);

  /** An object written but not yet published. */
  interface Staged {
    String key();
  }
}

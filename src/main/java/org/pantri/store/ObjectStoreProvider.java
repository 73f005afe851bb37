package org.pantri.store;

import java.io.IOException;

/**
 * Creates stores of one kind. Implementations are found with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/org.pantri.store.ObjectStoreProvider}), so a new store can be
 * added as a jar on the class path without touching the core.
 */
public interface ObjectStoreProvider {

  /** The name users put in {@code object_store}, e.g. "fs", "swift", "s3". */
  String name();

  /** Other names accepted for this store (e.g. the original tool's class name). */
  default java.util.List<String> aliases() {
    return java.util.List.of();
  }

  /** Builds a store from the settings; does no network or disk work yet (see {@link ObjectStore#open}). */
  ObjectStore create(StoreSettings settings) throws IOException;
}

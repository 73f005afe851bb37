package org.pantri.store;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Creates stores of one kind. Implementations are found with {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/org.pantri.store.ObjectStoreProvider}), so a new store can be
 * added as a jar on the class path without touching the core: it declares its own configuration
 * keys ({@link #options()}) and capabilities (e.g. {@link #authenticator()}).
 */
public interface ObjectStoreProvider {

  /** The name users put in {@code object_store}, e.g. "fs", "swift", "s3". */
  String name();

  /** Other names accepted for this store (e.g. the original tool's class name). */
  default List<String> aliases() {
    return List.of();
  }

  /**
   * The store-specific keys this store reads with {@link StoreSettings#option} (the common ones,
   * such as {@code storage_url} or {@code segment_size}, are not repeated here). A key of
   * {@code pantri.toml} that neither the core nor any provider declares is warned about.
   */
  default List<OptionSpec> options() {
    return List.of();
  }

  /** What the core may rely on about a kind of store, beyond the {@link ObjectStore} interface. */
  enum Capability {
    /**
     * {@code storage_url} is a local directory: a relative one is resolved against the repository
     * root, the default is the zero-configuration data directory, and there is no default
     * container (the embedded fs store).
     */
    LOCAL_DIRECTORY
  }

  /** This store's capabilities; logging in is {@link #authenticator()}, which carries behaviour. */
  default Set<Capability> capabilities() {
    return Set.of();
  }

  /** The {@code pantri auth} capability: present for stores that log in and cache a token. */
  default Optional<Authenticator> authenticator() {
    return Optional.empty();
  }

  /** Builds a store from the settings; does no network or disk work yet (see {@link ObjectStore#prepare}). */
  ObjectStore create(StoreSettings settings) throws IOException;
}

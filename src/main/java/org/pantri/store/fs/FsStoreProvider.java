package org.pantri.store.fs;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.pantri.store.ObjectStore;
import org.pantri.store.ObjectStoreProvider;
import org.pantri.store.StoreException;
import org.pantri.store.StoreSettings;

/**
 * The embedded local-directory store. {@code storage_url} is a directory path or a {@code file:}
 * URL; the container, when set, is a subdirectory of it.
 */
public final class FsStoreProvider implements ObjectStoreProvider {
  @Override
  public String name() {
    return "fs";
  }

  @Override
  public List<String> aliases() {
    return List.of("local", "file", "directory");
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.of(Capability.LOCAL_DIRECTORY);
  }

  @Override
  public ObjectStore create(StoreSettings s) throws StoreException {
    String url = s.storageUrl();
    if (url == null || url.isBlank()) {
      throw new StoreException(
          "the fs store needs storage_url: a directory path or file: URL where objects are kept");
    }
    Path root = url.startsWith("file:") ? Path.of(URI.create(url)) : Path.of(url);
    if (s.container() != null && !s.container().isBlank()) {
      root = root.resolve(s.container());
    }
    return new FsStore(root);
  }
}

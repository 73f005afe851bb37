package org.pantri.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds a store provider by name among those on the class path. */
public final class ObjectStores {
  private ObjectStores() {}

  public static ObjectStoreProvider provider(String name) throws StoreException {
    List<String> known = new ArrayList<>();
    for (ObjectStoreProvider p : ServiceLoader.load(ObjectStoreProvider.class)) {
      if (p.name().equalsIgnoreCase(name) || p.aliases().stream().anyMatch(name::equalsIgnoreCase)) {
        return p;
      }
      known.add(p.name());
    }
    throw new StoreException(
        "unknown object_store '" + name + "'; available: " + String.join(", ", known));
  }

  public static ObjectStore create(String name, StoreSettings settings) throws IOException {
    return provider(name).create(settings);
  }
}

package org.pantri.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Finds store providers among those on the class path. */
public final class ObjectStores {
  private ObjectStores() {}

  /** Every provider on the class path, in ServiceLoader order. */
  public static List<ObjectStoreProvider> providers() {
    List<ObjectStoreProvider> all = new ArrayList<>();
    ServiceLoader.load(ObjectStoreProvider.class).forEach(all::add);
    return all;
  }

  public static ObjectStoreProvider provider(String name) throws StoreException {
    List<String> known = new ArrayList<>();
    for (ObjectStoreProvider p : providers()) {
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

  /**
   * The store-specific keys every provider on the class path declares, by name (a key two stores
   * share, e.g. a timeout, appears once: the first provider's declaration).
   */
  public static Map<String, OptionSpec> declaredOptions() {
    Map<String, OptionSpec> m = new LinkedHashMap<>();
    for (ObjectStoreProvider p : providers()) {
      for (OptionSpec o : p.options()) {
        m.putIfAbsent(o.name(), o);
      }
    }
    return m;
  }
}

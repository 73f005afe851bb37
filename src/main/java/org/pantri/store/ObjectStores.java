package org.pantri.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/** Finds store providers among those on the class path. */
public final class ObjectStores {
  private ObjectStores() {}

  private static volatile List<ObjectStoreProvider> providers;

  /** Every provider on the class path, in ServiceLoader order (looked up once). */
  public static List<ObjectStoreProvider> providers() {
    List<ObjectStoreProvider> p = providers;
    if (p == null) {
      List<ObjectStoreProvider> all = new ArrayList<>();
      ServiceLoader.load(ObjectStoreProvider.class).forEach(all::add);
      providers = p = List.copyOf(all);
    }
    return p;
  }

  /** The provider that answers to {@code name} (or one of its aliases), ignoring case. */
  public static Optional<ObjectStoreProvider> find(String name) {
    return providers().stream()
        .filter(p -> p.name().equalsIgnoreCase(name) || p.aliases().stream().anyMatch(name::equalsIgnoreCase))
        .findFirst();
  }

  public static ObjectStoreProvider provider(String name) throws StoreException {
    return find(name).orElseThrow(() -> new StoreException("unknown object_store '" + name + "'; available: "
        + String.join(", ", providers().stream().map(ObjectStoreProvider::name).toList())));
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

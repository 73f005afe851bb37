package org.pantri.store.swift;

import java.util.List;
import org.pantri.store.ObjectStore;
import org.pantri.store.ObjectStoreProvider;
import org.pantri.store.StoreException;
import org.pantri.store.StoreSettings;

/**
 * The OpenStack Swift store. Also answers to the original tool's class name so its configs keep
 * working. Options: {@code segment_container} (default "segments"), {@code swift_timeout} (seconds to
 * the response headers, default 60), {@code swift_etag_check} ("stream", default, or "header").
 */
public final class SwiftStoreProvider implements ObjectStoreProvider {
  @Override
  public String name() {
    return "swift";
  }

  @Override
  public List<String> aliases() {
    return List.of("openstack", "FB_ObjectStore", "fb_objectstore.FB_ObjectStore");
  }

  @Override
  public ObjectStore create(StoreSettings settings) throws StoreException {
    return new SwiftStore(settings);
  }
}

package org.pantri.store.s3;

import java.util.List;
import org.pantri.store.ObjectStore;
import org.pantri.store.ObjectStoreProvider;
import org.pantri.store.StoreException;
import org.pantri.store.StoreSettings;

/**
 * Amazon S3 and S3-compatible servers. {@code object_store_container} is the bucket,
 * {@code storage_url} an optional endpoint for non-AWS servers, {@code s3_region} the region.
 * Credentials never come from the config: see {@link S3Store}.
 */
public final class S3StoreProvider implements ObjectStoreProvider {
  @Override
  public String name() {
    return "s3";
  }

  @Override
  public List<String> aliases() {
    return List.of("aws", "amazon-s3");
  }

  @Override
  public ObjectStore create(StoreSettings settings) throws StoreException {
    // Only parses settings: the SDK client is built in prepare(), since it costs ~0.6 s of start-up
    // that commands not touching the store should not pay.
    return new S3Store(settings);
  }
}

package org.pantri.store.s3;

import java.util.List;
import org.pantri.store.ObjectStore;
import org.pantri.store.ObjectStoreProvider;
import org.pantri.store.OptionSpec;
import org.pantri.store.OptionSpec.Type;
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
  public List<OptionSpec> options() {
    return List.of(
        OptionSpec.of("s3_region", Type.STRING, null, "region; else AWS_REGION / AWS_DEFAULT_REGION, else us-east-1"),
        OptionSpec.of("s3_compat", Type.BOOL, null,
            "plain bodies + Content-MD5 for S3-compatible servers; on by default when storage_url is set"),
        OptionSpec.of("s3_max_parts", Type.INT, null, "most parts of a multipart upload; 1000 with an endpoint, else 10000"),
        OptionSpec.of("s3_connect_timeout", Type.SECONDS, "10", "seconds to connect"),
        OptionSpec.of("s3_read_timeout", Type.SECONDS, "60", "seconds any one read may block"));
  }

  @Override
  public ObjectStore create(StoreSettings settings) throws StoreException {
    // Only parses settings: the SDK client is built in prepare(), since it costs ~0.6 s of start-up
    // that commands not touching the store should not pay.
    return new S3Store(settings);
  }
}

package org.pantri.store.s3;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.pantri.store.ObjectStore;
import org.pantri.store.MultipartStoreContractTest;
import org.pantri.testsupport.TestServers;
import software.amazon.awssdk.services.s3.S3Client;

/** The store contract against a real S3 API (Swift's s3api), one fresh bucket per test. */
@Tag("s3")
class S3StoreContractTest extends MultipartStoreContractTest {
  private static S3Client raw;
  private String bucket;

  @Override
  protected ObjectStore newStore() throws Exception {
    TestServers.requireS3();
    bucket = S3TestSupport.uniqueBucket();
    // 5 MiB, the S3 minimum, so the contract's multipart test runs with small parts.
    return new S3StoreProvider().create(S3TestSupport.settings(bucket, 5 * S3TestSupport.MIB));
  }

  @AfterEach
  void dropBucket() {
    if (bucket != null) {
      if (raw == null) {
        raw = S3TestSupport.rawClient();
      }
      S3TestSupport.dropBucket(raw, bucket);
    }
  }

  @AfterAll
  static void closeRaw() {
    if (raw != null) {
      raw.close();
      raw = null;
    }
  }
}

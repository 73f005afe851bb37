package org.pantri.store.s3;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.testsupport.TestServers;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Tests against the real S3 API, each in a fresh bucket that is dropped afterwards, with an
 * independently configured client ({@link #raw}) for set-up and cross-checks.
 */
abstract class S3BucketTest {
  protected static S3Client raw;
  @TempDir protected Path tmp;
  protected String bucket;

  @BeforeAll
  static void requireServerAndRawClient() {
    TestServers.requireS3();
    raw = S3TestSupport.rawClient();
  }

  @AfterAll
  static void closeRawClient() {
    if (raw != null) {
      raw.close();
      raw = null;
    }
  }

  @BeforeEach
  void nameFreshBucket() {
    bucket = S3TestSupport.uniqueBucket();
  }

  @AfterEach
  void dropFreshBucket() {
    S3TestSupport.dropBucket(raw, bucket);
  }
}

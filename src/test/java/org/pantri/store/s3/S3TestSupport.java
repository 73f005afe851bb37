package org.pantri.store.s3;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.pantri.store.CredentialPrompt;
import org.pantri.store.StoreSettings;
import org.pantri.testsupport.TestServers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Settings and bucket housekeeping for the S3 tests, which share one server with other suites. */
final class S3TestSupport {
  private S3TestSupport() {}

  static final long MIB = 1024L * 1024;

  /** Unique per call so parallel suites on the same server never meet. */
  static String uniqueBucket() {
    return "pantri-test-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
        .toLowerCase(Locale.ROOT);
  }

  static Map<String, String> testerEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", TestServers.S3_ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", TestServers.S3_SECRET_KEY);
    return env;
  }

  static StoreSettings settings(String endpoint, String bucket, long segmentSize,
      Map<String, String> env, Map<String, String> options) {
    Map<String, String> opts = new HashMap<>(options);
    opts.putIfAbsent("s3_region", TestServers.S3_REGION);
    return new StoreSettings(endpoint, null, bucket, segmentSize, Path.of("."), true,
        CredentialPrompt.NONE, env, opts);
  }

  static StoreSettings settings(String bucket, long segmentSize) {
    return settings(TestServers.S3_ENDPOINT, bucket, segmentSize, testerEnv(), Map.of());
  }

  /** A client configured independently of S3Store, for housekeeping and cross-checks. */
  static S3Client rawClient() {
    return S3Client.builder()
        .endpointOverride(URI.create(TestServers.S3_ENDPOINT))
        .forcePathStyle(true)
        .region(Region.of(TestServers.S3_REGION))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(TestServers.S3_ACCESS_KEY, TestServers.S3_SECRET_KEY)))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(false).build())
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  /** Removes the bucket with everything in it; best effort, the server is shared. */
  static void dropBucket(S3Client c, String bucket) {
    try {
      c.listMultipartUploadsPaginator(r -> r.bucket(bucket)).uploads().forEach(u ->
          c.abortMultipartUpload(r -> r.bucket(bucket).key(u.key()).uploadId(u.uploadId())));
    } catch (RuntimeException ignored) {
      // not there or not supported: nothing to abort
    }
    try {
      for (S3Object o : c.listObjectsV2Paginator(r -> r.bucket(bucket)).contents()) {
        c.deleteObject(r -> r.bucket(bucket).key(o.key()));
      }
      c.deleteBucket(r -> r.bucket(bucket));
    } catch (RuntimeException ignored) {
      // already gone
    }
  }
}

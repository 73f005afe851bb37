package org.pantri.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pantri.store.AuthException;
import org.pantri.store.ObjectStores;
import org.pantri.store.RetryableStoreException;
import org.pantri.store.StoreException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Settings, part sizing and error classification; no server needed. */
class S3StoreUnitTest {
  private static final long MIB = S3TestSupport.MIB;

  private static S3Store store(String endpoint, long segment, Map<String, String> options)
      throws StoreException {
    return new S3Store(
        S3TestSupport.settings(endpoint, "bucket", segment, Map.of(), options));
  }

  @Test
  void providerIsFoundByNameAndBuildsNoClientUntilOpen() throws Exception {
    assertThat(ObjectStores.provider("s3")).isInstanceOf(S3StoreProvider.class);
    // a bogus endpoint is fine until prepare(): create() does no network work
    assertThat(ObjectStores.create("s3", S3TestSupport.settings(
        "http://127.0.0.1:1", "b", 0, Map.of(), Map.of())).describe())
        .isEqualTo("s3 bucket b at http://127.0.0.1:1");
  }

  @Test
  void compatModeDefaultsOnForEndpointsOnly() throws Exception {
    assertThat(store("http://127.0.0.1:8080", 0, Map.of()).compatMode()).isTrue();
    assertThat(store(null, 0, Map.of()).compatMode()).isFalse();
    assertThat(store(null, 0, Map.of("s3_compat", "true")).compatMode()).isTrue();
    assertThat(store("http://x", 0, Map.of("s3_compat", "off")).compatMode()).isFalse();
    assertThatThrownBy(() -> store(null, 0, Map.of("s3_compat", "maybe")))
        .isInstanceOf(StoreException.class).hasMessageContaining("s3_compat");
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> new S3Store(S3TestSupport.settings(null, " ", 0, Map.of(), Map.of())))
        .hasMessageContaining("object_store_container");
    assertThatThrownBy(() -> store("ftp://host", 0, Map.of()))
        .hasMessageContaining("storage_url");
    assertThatThrownBy(() -> store(null, 0, Map.of("s3_max_parts", "0")))
        .hasMessageContaining("s3_max_parts");
  }

  @Test
  void partSizeStaysWithinS3Limits() throws Exception {
    assertThat(store(null, 0, Map.of()).partSize()).isEqualTo(64 * MIB);
    assertThat(store(null, MIB, Map.of()).partSize()).isEqualTo(5 * MIB);
    assertThat(store(null, 8L << 30, Map.of()).partSize()).isEqualTo(5L << 30);
    assertThat(store(null, 4L << 30, Map.of()).partSize()).isEqualTo(4L << 30);
  }

  @Test
  void partSizeGrowsSoNoFileNeedsMorePartsThanTheServerAllows() throws Exception {
    S3Store swift = store("http://127.0.0.1:8080", 5 * MIB, Map.of());
    assertThat(swift.maxParts()).isEqualTo(1000);
    assertThat(swift.partSize(4_000 * MIB)).isEqualTo(5 * MIB);
    assertThat(swift.partSize(5_000 * MIB)).isEqualTo(5 * MIB);
    assertThat(swift.partSize(5_000 * MIB + 1)).isEqualTo(6 * MIB);
    for (long size : List.of(7_777_777_777L, 100L << 30, 1L << 40)) {
      long p = swift.partSize(size);
      assertThat(p % MIB).isZero();
      assertThat((size + p - 1) / p).isLessThanOrEqualTo(1000);
    }
    S3Store aws = store(null, 0, Map.of());
    assertThat(aws.maxParts()).isEqualTo(10_000);
    assertThat(aws.partSize(100L << 30)).isEqualTo(64 * MIB);
    assertThat(aws.partSize(5L << 40)).isEqualTo(525 * MIB); // 5 TiB, S3's largest object
  }

  private static S3Exception s3(int status, String code, String retryAfter) {
    SdkHttpResponse.Builder http = SdkHttpResponse.builder().statusCode(status);
    if (retryAfter != null) {
      http.putHeader("Retry-After", retryAfter);
    }
    return (S3Exception) S3Exception.builder().statusCode(status).requestId("req-1")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("msg")
            .sdkHttpResponse(http.build()).build())
        .build();
  }

  @Test
  void serviceErrorsAreClassified() {
    IOException slow = S3Errors.translate("PUT k", "here", s3(503, "SlowDown", "7"));
    assertThat(slow).isInstanceOf(RetryableStoreException.class);
    assertThat(((RetryableStoreException) slow).retryAfter()).isEqualTo(Duration.ofSeconds(7));
    for (int st : new int[] {408, 429, 500, 502, 504}) {
      assertThat(S3Errors.translate("x", "here", s3(st, null, null)))
          .as("status %d", st).isInstanceOf(RetryableStoreException.class);
    }
    assertThat(S3Errors.translate("x", "here", s3(403, "SignatureDoesNotMatch", null)))
        .isInstanceOf(AuthException.class);
    assertThat(S3Errors.translate("x", "here", s3(403, "InvalidAccessKeyId", null)))
        .isInstanceOf(AuthException.class);
    assertThat(S3Errors.translate("x", "here", s3(403, "AccessDenied", null)))
        .isNotInstanceOf(AuthException.class).isNotInstanceOf(RetryableStoreException.class)
        .hasMessageContaining("access denied");
    assertThat(S3Errors.translate("x", "here", s3(404, "NoSuchBucket", null)))
        .isNotInstanceOf(RetryableStoreException.class)
        .hasMessageContaining("bucket does not exist");
  }

  @Test
  void aWrongRegionNamesTheRightOne() {
    S3Exception moved = (S3Exception) S3Exception.builder().statusCode(301)
        .awsErrorDetails(AwsErrorDetails.builder().sdkHttpResponse(SdkHttpResponse.builder()
            .statusCode(301).putHeader("x-amz-bucket-region", "eu-west-1").build()).build())
        .build();
    assertThat(S3Errors.translate("opening the bucket", "here", moved))
        .isNotInstanceOf(AuthException.class)
        .hasMessageContaining("set s3_region = \"eu-west-1\"");
  }

  @Test
  void clientErrorsAreClassified() {
    assertThat(S3Errors.translate("GET k", "there", SdkClientException.create("boom",
        new java.net.SocketTimeoutException("Read timed out"))))
        .isInstanceOf(RetryableStoreException.class).hasMessageContaining("timed out");
    assertThat(S3Errors.translate("GET k", "there", SdkClientException.create("boom",
        new java.net.UnknownHostException("nohost.invalid"))))
        .isNotInstanceOf(RetryableStoreException.class).hasMessageContaining("storage_url");
    assertThat(S3Errors.translate("GET k", "there", SdkClientException.create(
        "Unable to load credentials from any of the providers in the chain")))
        .isInstanceOf(AuthException.class).hasMessageContaining("AWS_PROFILE");
  }
}

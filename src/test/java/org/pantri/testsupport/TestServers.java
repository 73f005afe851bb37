package org.pantri.testsupport;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Where the real servers started by {@code scripts/test-servers.sh} listen, and the rule for when
 * one is missing: under {@code CI=true} the test fails loudly; elsewhere it is skipped, so a
 * developer without the servers can still run the unit tests.
 */
public final class TestServers {
  private TestServers() {}

  public static final String SWIFT_AUTH =
      env("PANTRI_TEST_SWIFT_AUTH", "http://127.0.0.1:8080/auth/v1.0");
  public static final String SWIFT_USER = env("PANTRI_TEST_SWIFT_USER", "test:tester");
  public static final String SWIFT_KEY = env("PANTRI_TEST_SWIFT_KEY", "testing");
  public static final String S3_ENDPOINT = env("PANTRI_TEST_S3_ENDPOINT", "http://127.0.0.1:8080");
  public static final String S3_ACCESS_KEY = env("PANTRI_TEST_S3_ACCESS_KEY", "test:tester");
  public static final String S3_SECRET_KEY = env("PANTRI_TEST_S3_SECRET_KEY", "testing");
  public static final String S3_REGION = env("PANTRI_TEST_S3_REGION", "us-east-1");

  private static String env(String k, String d) {
    String v = System.getenv(k);
    return v == null || v.isBlank() ? d : v;
  }

  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /** Fails under CI, skips elsewhere, unless the Swift server answers v1 auth. */
  public static void requireSwift() {
    boolean up;
    try {
      HttpResponse<Void> r =
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
              .send(
                  HttpRequest.newBuilder(URI.create(SWIFT_AUTH))
                      .header("X-Auth-User", SWIFT_USER)
                      .header("X-Auth-Key", SWIFT_KEY)
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
      up = r.statusCode() == 200;
    } catch (Exception e) {
      up = false;
    }
    if (!up) {
      String msg = "the Swift test server does not answer at " + SWIFT_AUTH
          + "; start it with scripts/test-servers.sh start (the README's test command does)";
      if (inCi()) {
        fail(msg);
      }
      assumeTrue(false, msg);
    }
  }

  /**
   * Fails under CI, skips elsewhere, unless an S3 API answers at {@link #S3_ENDPOINT}. A request
   * with a deliberately bogus signature must come back as an S3 error document: that proves the
   * s3api layer is there without needing a SigV4 signer in the test support.
   */
  public static void requireS3() {
    boolean up;
    try {
      HttpResponse<String> r =
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
              .send(
                  HttpRequest.newBuilder(URI.create(S3_ENDPOINT + "/"))
                      .header("Authorization", "AWS pantri-probe:pantri-probe")
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      up = r.headers().firstValue("x-amz-request-id").isPresent()
          || (r.body().contains("<Error>") && r.body().contains("<Code>"));
    } catch (Exception e) {
      up = false;
    }
    if (!up) {
      String msg = "no S3 API answers at " + S3_ENDPOINT
          + "; start it with scripts/test-servers.sh start (Swift's s3api serves it)";
      if (inCi()) {
        fail(msg);
      }
      assumeTrue(false, msg);
    }
  }
}

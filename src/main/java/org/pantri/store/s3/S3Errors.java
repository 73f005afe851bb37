package org.pantri.store.s3;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.pantri.store.HttpStatuses;
import org.pantri.store.AuthException;
import org.pantri.store.RetryableStoreException;
import org.pantri.store.StoreException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns SDK exceptions into the store exception classes the transfer engine acts on. The SDK's
 * own retries are off (see {@link S3Store}), so every transient failure surfaces here once and is
 * classified as retryable; everything else tells the user what to fix.
 *
 * <p>Messages use S3 error codes, HTTP status and request ids, never raw SDK text for
 * authentication errors: S3 error documents may echo the access key id and string-to-sign.
 */
final class S3Errors {
  private S3Errors() {}

  private static final Set<String> RETRYABLE_CODES =
      Set.of("SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling",
          "ThrottlingException", "RequestLimitExceeded", "OperationAborted");
  private static final Set<String> AUTH_CODES =
      Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "InvalidToken",
          "TokenRefreshRequired", "InvalidSecurity", "AuthorizationHeaderMalformed",
          "MissingSecurityHeader", "CredentialsNotSupported");

  static final String NO_CREDENTIALS =
      "no AWS credentials: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for"
          + " temporary keys) or AWS_PROFILE, or put them in ~/.aws/credentials; Pantri never reads"
          + " S3 credentials from the committed config";

  /** The S3 error code, or null (HEAD responses carry no body, hence no code). */
  static String code(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  static boolean isNotFound(SdkException e) {
    if (e instanceof AwsServiceException a) {
      String c = code(a);
      return a.statusCode() == 404 || "NoSuchKey".equals(c) || "NotFound".equals(c);
    }
    return false;
  }

  /**
   * @param what the operation and its object, e.g. "PUT pkgs/a.bin"
   * @param where the store description (bucket and endpoint) for the message
   */
  static IOException translate(String what, String where, SdkException e) {
    if (e instanceof AwsServiceException a) {
      return service(what, where, a);
    }
    return client(what, where, e);
  }

  private static IOException service(String what, String where, AwsServiceException e) {
    int status = e.statusCode();
    String code = code(e);
    String id = e.requestId() == null ? "" : ", request id " + e.requestId();
    String head = what + " on " + where + " failed: HTTP " + status
        + (code == null || code.isEmpty() ? "" : " " + code);
    if (HttpStatuses.isRetryable(status) || (code != null && RETRYABLE_CODES.contains(code))) {
      return new RetryableStoreException(head + id, retryAfter(e), e);
    }
    // A wrong region looks like a redirect or a malformed signature; S3 names the right one.
    String bucketRegion = header(e, "x-amz-bucket-region");
    if (bucketRegion != null && (status == 301 || status == 400 || status == 403)) {
      return new StoreException(head + ": the bucket is in region " + bucketRegion
          + "; set s3_region = \"" + bucketRegion + "\"" + id, e);
    }
    if (code != null && AUTH_CODES.contains(code)) {
      return new AuthException(head + ": the server rejected the credentials; check"
          + " AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (or the AWS_PROFILE in use)" + id, e);
    }
    if (status == 403 || "AccessDenied".equals(code)) {
      return new StoreException(head + ": access denied; the credentials lack permission for"
          + " this bucket or operation (Pantri needs s3:ListBucket, s3:GetObject, s3:PutObject,"
          + " s3:DeleteObject and the multipart actions)" + id, e);
    }
    if ("NoSuchBucket".equals(code)) {
      return new StoreException(head + ": the bucket does not exist" + id, e);
    }
    // Other service errors carry S3's own explanation, which contains no secrets.
    String msg = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
    return new StoreException(head + (msg == null ? "" : ": " + msg) + id, e);
  }

  private static IOException client(String what, String where, SdkException e) {
    if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
      return new RetryableStoreException(what + " on " + where + " timed out", e);
    }
    String sdkMsg = e.getMessage() == null ? "" : e.getMessage();
    if (e instanceof SdkClientException && sdkMsg.startsWith("Unable to load credentials")) {
      return new AuthException(NO_CREDENTIALS, e);
    }
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      String tm = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
      if (t instanceof UnknownHostException) {
        // A misspelt endpoint does not heal by waiting: fail now rather than after N retries.
        return new StoreException(
            what + ": cannot resolve the host of " + where + " (" + tm + "); check storage_url", e);
      }
      if (t instanceof SSLException) {
        return new StoreException(
            what + ": TLS failed talking to " + where + " (" + tm + ")", e);
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return new RetryableStoreException(
            what + ": cannot connect to " + where + " (" + tm + ")", e);
      }
      if (t instanceof SocketTimeoutException || t instanceof InterruptedIOException) {
        return new RetryableStoreException(what + ": timed out talking to " + where, e);
      }
      if (t instanceof IOException) {
        return new RetryableStoreException(
            what + ": connection to " + where + " failed (" + tm + ")", e);
      }
    }
    return new StoreException(what + " on " + where + " failed: " + sdkMsg, e);
  }

  private static String header(AwsServiceException e, String name) {
    if (e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null) {
      return null;
    }
    return e.awsErrorDetails().sdkHttpResponse().firstMatchingHeader(name)
        .map(String::trim).filter(v -> !v.isEmpty()).orElse(null);
  }

  private static Duration retryAfter(AwsServiceException e) {
    return HttpStatuses.retryAfter(header(e, "Retry-After"));
  }
}

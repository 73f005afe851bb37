package org.pantri.store.swift;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.pantri.store.RetryableStoreException;
import org.pantri.store.StoreException;

/**
 * The one HTTP client every Swift store shares, and the translation of transport failures and
 * status codes into the store exception hierarchy. Nothing here sleeps or retries.
 */
final class SwiftHttp {
  private SwiftHttp() {}

  /**
   * HTTP/1.1 forced: on plain http:// the JDK would otherwise try an h2c upgrade, which Swift's
   * eventlet server does not speak. One client for the process: it pools connections and owns a
   * selector thread, so a client per store would leak threads in long test runs.
   */
  static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /** A response whose body is a stream; close it (or read it) so the connection can be reused. */
  record Resp(int status, HttpHeaders headers, InputStream body) implements AutoCloseable {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    Optional<String> header(String name) {
      return headers.firstValue(name);
    }

    /** Up to 2 KiB of the body, for error messages (Swift's error bodies are short text). */
    String errorText() {
      try (InputStream in = body) {
        byte[] b = in.readNBytes(2048);
        return new String(b, StandardCharsets.UTF_8).replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
      } catch (IOException e) {
        return "";
      }
    }

    @Override
    public void close() {
      try {
        body.close();
      } catch (IOException ignored) {
        // nothing useful to do: the connection is dropped instead of reused
      }
    }
  }

  static Resp send(HttpRequest req, String what) throws IOException {
    try {
      HttpResponse<InputStream> r = CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
      return new Resp(r.statusCode(), r.headers(), r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted during " + what);
    } catch (IOException e) {
      throw transportError(req.uri(), what, e);
    }
  }

  static StoreException transportError(URI uri, String what, IOException e) {
    String url = SwiftUrls.printable(uri);
    if (e instanceof HttpConnectTimeoutException) {
      return new RetryableStoreException(
          "timed out connecting to " + url + " during " + what
              + "; check storage_url/auth_url and that the Swift server is running and reachable", e);
    }
    if (e instanceof HttpTimeoutException) {
      return new RetryableStoreException(
          "no answer from " + url + " within the request timeout during " + what, e);
    }
    if (hasCause(e, ConnectException.class)) {
      return new RetryableStoreException(
          "cannot connect to " + url + " during " + what
              + "; check storage_url/auth_url and that the Swift server is running", e);
    }
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new RetryableStoreException("connection to " + url + " failed during " + what + ": " + m, e);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  static boolean isRetryableStatus(int s) {
    return s == 408 || s == 429 || s == 500 || s == 502 || s == 503 || s == 504;
  }

  /** Retry-After as seconds (Swift's ratelimit sends seconds); dates are ignored. */
  static Duration retryAfter(HttpHeaders h) {
    Optional<String> v = h.firstValue("Retry-After");
    if (v.isEmpty()) {
      return null;
    }
    try {
      double secs = Double.parseDouble(v.get().trim());
      return secs < 0 ? null : Duration.ofMillis((long) Math.ceil(secs * 1000));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * The exception for an unexpected status. 401 and 404 are handled by callers, which know
   * whether a re-authentication happened and what was missing.
   */
  static StoreException statusError(Resp r, String what, String container, String url) {
    int s = r.status();
    String body = r.errorText();
    String detail = body.isEmpty() ? "" : " (" + body + ")";
    if (isRetryableStatus(s)) {
      return new RetryableStoreException(
          "Swift answered HTTP " + s + " to " + what + " at " + url + detail, retryAfter(r.headers()), null);
    }
    if (s == 422) {
      // ETag mismatch: the bytes were damaged on the way; a new attempt usually succeeds.
      return new RetryableStoreException(
          "Swift rejected " + what + " because the content did not match its MD5 (HTTP 422)", null);
    }
    if (s == 403) {
      return new StoreException(
          "permission missing: Swift refused " + what + " in container '" + container + "' at " + url
              + " (HTTP 403); ask the account admin for read/write access to the container");
    }
    if (s == 413) {
      return new StoreException(
          "Swift refused " + what + " as too large (HTTP 413); lower segment_size below the server's max_file_size");
    }
    return new StoreException("Swift answered HTTP " + s + " to " + what + " at " + url + detail);
  }
}

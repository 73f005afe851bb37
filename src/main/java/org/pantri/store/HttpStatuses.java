package org.pantri.store;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** HTTP facts shared by the HTTP stores (Swift, S3): which statuses are transient, Retry-After. */
public final class HttpStatuses {
  private HttpStatuses() {}

  /** 408, 429 and the 5xx a server sends when it is busy or restarting: worth a retry. */
  public static boolean isRetryable(int status) {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  /**
   * A Retry-After header value (delta seconds or an HTTP date) as a duration, or null when absent
   * or unreadable. A date in the past is zero.
   */
  public static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    if (v.matches("\\d{1,9}(\\.\\d*)?")) {
      // delta seconds; Swift's ratelimit middleware sends fractions
      return Duration.ofMillis((long) Math.ceil(Double.parseDouble(v) * 1000));
    }
    try {
      Double.parseDouble(v);
      return null; // a negative or odd number
    } catch (NumberFormatException e) {
      // not seconds: maybe a date
    }
    try {
      Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}

package org.pantri.store.swift;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Percent-encoding for Swift paths and query values (RFC 3986, UTF-8). */
final class SwiftUrls {
  private SwiftUrls() {}

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  /** Encodes one path segment or query value: everything but unreserved characters. */
  static String component(String s) {
    return encode(s, false);
  }

  /** Encodes a '/'-separated key, keeping the separators (Swift object names contain them). */
  static String path(String s) {
    return encode(s, true);
  }

  private static String encode(String s, boolean keepSlash) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || (keepSlash && c == '/')) {
        b.append((char) c);
      } else {
        b.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
      }
    }
    return b.toString();
  }

  /** The URL without query and user info, safe for messages. */
  static String printable(URI uri) {
    String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
    return uri.getScheme() + "://" + uri.getHost() + port + (uri.getRawPath() == null ? "" : uri.getRawPath());
  }

  static String printable(String url) {
    try {
      return printable(URI.create(url));
    } catch (IllegalArgumentException e) {
      return "<invalid URL>";
    }
  }
}

package org.pantri.store.swift;

/**
 * A token and the storage URL it is valid for. {@link #toString()} never shows the token, so a
 * session that ends up in a log line or an exception message leaks nothing.
 */
final class SwiftSession {
  private final String token;
  private final String storageUrl;
  private final String user;

  SwiftSession(String token, String storageUrl, String user) {
    this.token = token;
    this.storageUrl = stripSlash(storageUrl);
    this.user = user;
  }

  String token() {
    return token;
  }

  String storageUrl() {
    return storageUrl;
  }

  /** Who the token belongs to, for messages; may be null (e.g. a cached or env token). */
  String user() {
    return user;
  }

  SwiftSession withStorageUrl(String url) {
    return url == null || url.isBlank() ? this : new SwiftSession(token, url, user);
  }

  static String stripSlash(String url) {
    if (url == null) {
      return null;
    }
    String u = url.trim();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }

  @Override
  public String toString() {
    return "SwiftSession[" + storageUrl + ", user=" + user + ", token=<redacted>]";
  }
}

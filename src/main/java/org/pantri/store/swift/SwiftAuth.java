package org.pantri.store.swift;

import java.io.IOException;
import java.time.Duration;
import org.pantri.store.StoreSettings;

/**
 * What {@code pantri auth [--test]} needs: log in and cache the token, or check the cached one.
 * Results never carry the token itself.
 */
final class SwiftAuth {
  private SwiftAuth() {}

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /**
   * @param user who the token belongs to (null when unknown)
   * @param storageUrl where the objects of that account live
   * @param tokenFile where the token was cached (null when there is no credentials directory)
   */
  public record AuthResult(String user, String storageUrl, java.nio.file.Path tokenFile) {}

  /** Authenticates afresh (ignoring any cached token) and writes the token cache. */
  public static AuthResult authenticate(StoreSettings settings) throws IOException {
    SwiftAuthenticator a = new SwiftAuthenticator(settings, TIMEOUT);
    SwiftSession s = a.login();
    return new AuthResult(s.user(), s.storageUrl(), a.cache().file());
  }

  /**
   * True when a cached token (or OS_AUTH_TOKEN) exists and Swift accepts it, checked with a HEAD
   * on the container (the account when no container is configured). False when there is none or
   * it was rejected; transport failures are thrown.
   */
  public static boolean testCachedToken(StoreSettings settings) throws IOException {
    SwiftSession s = new SwiftAuthenticator(settings, TIMEOUT).candidate();
    if (s == null) {
      return false;
    }
    String c = settings.container() == null || settings.container().isBlank() ? null : settings.container();
    int status = SwiftAuthenticator.headStatus(s, c, TIMEOUT);
    return status != 401;
  }
}

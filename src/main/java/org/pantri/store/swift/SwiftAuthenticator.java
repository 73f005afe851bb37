package org.pantri.store.swift;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.pantri.store.AuthException;
import org.pantri.store.StoreSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the token of one store: finds credentials (in a fixed order, see {@link #login()}), keeps
 * the token cache, and re-authenticates exactly once when many threads see the same token
 * rejected together.
 */
final class SwiftAuthenticator {
  private static final Logger LOG = LoggerFactory.getLogger(SwiftAuthenticator.class);

  private final StoreSettings settings;
  private final TokenCache cache;
  private final Duration timeout;
  private volatile SwiftSession current;
  /** Credentials the user typed, kept so a mid-run re-authentication does not prompt again. */
  private Credentials typed;
  /** Logins done by this instance; lets tests prove N concurrent 401s cause one login. */
  private final java.util.concurrent.atomic.AtomicInteger logins = new java.util.concurrent.atomic.AtomicInteger();

  SwiftAuthenticator(StoreSettings settings, Duration timeout) {
    this.settings = settings;
    this.cache = new TokenCache(settings.credentialsDir());
    this.timeout = timeout;
  }

  int logins() {
    return logins.get();
  }

  TokenCache cache() {
    return cache;
  }

  /** A session from OS_AUTH_TOKEN/OS_STORAGE_URL or the token cache, unvalidated; or null. */
  SwiftSession candidate() {
    SwiftSession env = envToken();
    if (env != null) {
      return env;
    }
    SwiftSession cached = cache.read();
    if (cached == null) {
      return null;
    }
    cached = cached.withStorageUrl(settings.storageUrl());
    return cached.storageUrl() == null ? null : cached;
  }

  private SwiftSession envToken() {
    String token = settings.env("OS_AUTH_TOKEN");
    String url = settings.storageUrl() != null ? settings.storageUrl() : settings.env("OS_STORAGE_URL");
    return token == null || url == null ? null : new SwiftSession(token, url, null);
  }

  boolean isEnvToken(SwiftSession s) {
    return settings.env("OS_AUTH_TOKEN") != null && s.token().equals(settings.env("OS_AUTH_TOKEN"));
  }

  /** Adopts a session that a HEAD has just accepted. */
  void accept(SwiftSession s) {
    current = s;
  }

  /** The session to use, logging in on first use. */
  SwiftSession session() throws IOException {
    SwiftSession s = current;
    return s != null ? s : reauthenticate(null);
  }

  /**
   * Replaces {@code rejected} with a fresh session. When another thread already did that, its
   * session is returned: N threads hitting 401 together cause one login, not N.
   */
  synchronized SwiftSession reauthenticate(SwiftSession rejected) throws IOException {
    SwiftSession s = current;
    if (s != null && s != rejected) {
      return s;
    }
    if (rejected != null && isEnvToken(rejected)) {
      throw new AuthException("Swift rejected the token in OS_AUTH_TOKEN for "
          + SwiftUrls.printable(rejected.storageUrl()) + "; get a fresh token or unset OS_AUTH_TOKEN");
    }
    s = login();
    current = s;
    return s;
  }

  /**
   * A fresh login, cached in .pantri_auth_token. Credentials, first found wins: the password file
   * when -p was given; ST_AUTH/ST_USER/ST_KEY; OS_AUTH_URL/OS_USERNAME/OS_PASSWORD (Keystone v3);
   * otherwise the prompt, against auth_url (or ST_AUTH / OS_AUTH_URL).
   */
  SwiftSession login() throws IOException {
    logins.incrementAndGet();
    String stAuth = settings.env("ST_AUTH");
    String osAuth = settings.env("OS_AUTH_URL");
    String configured = first(settings.authUrl(), stAuth, osAuth);
    SwiftSession s;
    if (settings.usePasswordFile()) {
      s = loginAt(need(configured), Credentials.fromPasswordFile(settings.credentialsDir()));
    } else if (stAuth != null && settings.env("ST_USER") != null && settings.env("ST_KEY") != null) {
      s = V1Auth.login(stAuth, new Credentials(settings.env("ST_USER"), settings.env("ST_KEY"), "ST_USER/ST_KEY"), timeout);
    } else if (osAuth != null && settings.env("OS_USERNAME") != null && settings.env("OS_PASSWORD") != null) {
      s = KeystoneAuth.login(osAuth,
          new Credentials(settings.env("OS_USERNAME"), settings.env("OS_PASSWORD"), "OS_USERNAME/OS_PASSWORD"),
          scope(), timeout);
    } else {
      s = loginAt(need(configured), typed != null ? typed : ask());
    }
    s = s.withStorageUrl(settings.storageUrl());
    try {
      cache.write(s);
    } catch (IOException e) {
      // the run can go on with the token in memory; only the next run pays a new login
      LOG.warn("could not write the token cache {}: {}", cache.file(), e.getMessage());
    }
    LOG.debug("authenticated to Swift as {}, storage URL {}", s.user(), s.storageUrl());
    return s;
  }

  private SwiftSession loginAt(String url, Credentials c) throws IOException {
    if (KeystoneAuth.isKeystoneUrl(url)) {
      return KeystoneAuth.login(url, c, scope(), timeout);
    }
    return V1Auth.login(url, c, timeout);
  }

  private Credentials ask() throws AuthException {
    String def = System.getProperty("user.name");
    String user = settings.prompt().ask("Swift user name", def);
    char[] pw = user == null ? null : settings.prompt().askSecret("Swift password for " + user);
    if (user == null || pw == null) {
      throw new AuthException(
          "no Swift credentials: run `pantri auth` in a terminal, or use -p with a .pantri_password file "
              + "({\"username\": ..., \"password\": ...}, mode 0600) in " + settings.credentialsDir()
              + ", or set ST_AUTH/ST_USER/ST_KEY (or OS_AUTH_URL/OS_USERNAME/OS_PASSWORD)");
    }
    Credentials c = new Credentials(user.isBlank() ? def : user, new String(pw), "prompt");
    java.util.Arrays.fill(pw, '\0');
    typed = c;
    return c;
  }

  private static String need(String url) throws AuthException {
    if (url == null) {
      throw new AuthException("no Swift auth URL: set auth_url in the config, or ST_AUTH / OS_AUTH_URL "
          + "(or OS_AUTH_TOKEN with OS_STORAGE_URL)");
    }
    return url;
  }

  private KeystoneAuth.Scope scope() {
    return new KeystoneAuth.Scope(
        first(settings.env("OS_PROJECT_NAME"), settings.env("OS_TENANT_NAME")),
        first(settings.env("OS_PROJECT_ID"), settings.env("OS_TENANT_ID")),
        first(settings.env("OS_USER_DOMAIN_NAME"), "Default"),
        first(settings.env("OS_PROJECT_DOMAIN_NAME"), "Default"),
        settings.env("OS_REGION_NAME"),
        first(settings.env("OS_INTERFACE"), "public").replaceFirst("URL$", ""));
  }

  private static String first(String... vs) {
    for (String v : vs) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  /** HEAD on the container (or the account when there is none): the cheapest token check. */
  static int headStatus(SwiftSession s, String container, Duration timeout) throws IOException {
    String path = container == null ? "" : "/" + SwiftUrls.component(container);
    URI uri = V1Auth.uri(s.storageUrl() + path);
    SwiftHttp.Request req = new SwiftHttp.Request("HEAD", uri).header("X-Auth-Token", s.token()).timeout(timeout);
    try (SwiftHttp.Resp r = SwiftHttp.send(req, "HEAD of container '" + container + "'")) {
      return r.status();
    }
  }

  static AuthException rejected(Credentials c, String url) {
    return new AuthException("Swift rejected the credentials for user " + c.user + " at "
        + SwiftUrls.printable(url) + "; check the user name and password (" + c.source
        + ") or run `pantri auth`");
  }
}

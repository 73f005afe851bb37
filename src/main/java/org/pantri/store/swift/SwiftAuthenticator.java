package org.pantri.store.swift;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.pantri.store.AuthException;
import org.pantri.store.Endpoints;
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

  /**
   * A session from OS_AUTH_TOKEN/OS_STORAGE_URL or the token cache, unvalidated; or null. A token
   * is only ever offered to the storage URL it is bound to (see {@link #storageUrlFor}).
   *
   * @throws AuthException when the configured storage URL is not the token's and the host does
   *     not vouch for it
   */
  SwiftSession candidate() throws AuthException {
    SwiftSession env = envToken();
    if (env != null) {
      return env;
    }
    TokenCache.Entry cached = cache.read();
    if (cached == null) {
      return null;
    }
    String configured = settings.storageUrl();
    if (cached.storageUrl() != null && cached.authUrl() != null) {
      String auth = plannedAuthUrl();
      if (auth != null && !Endpoints.same(auth, cached.authUrl())) {
        LOG.debug("cached token was issued by {}, this run authenticates at {}: not used",
            SwiftUrls.printable(cached.authUrl()), SwiftUrls.printable(auth));
        return null;
      }
      if (configured != null && !Endpoints.same(configured, cached.storageUrl()) && !settings.trusts(configured)) {
        LOG.debug("cached token is bound to {}, not to the configured {}: not used",
            SwiftUrls.printable(cached.storageUrl()), SwiftUrls.printable(configured));
        return null;
      }
      return new SwiftSession(cached.token(), configured != null ? configured : cached.storageUrl(), null);
    }
    // Written by the original tool (token only) or an older Pantri: bound to nothing we can
    // check, so it only goes to a storage URL this host itself vouches for.
    String url = configured != null ? configured : cached.storageUrl();
    if (url != null && settings.trusts(url)) {
      return new SwiftSession(cached.token(), url, null);
    }
    LOG.debug("cached token in {} is not bound to an endpoint: not used, logging in afresh", cache.file());
    return null;
  }

  private SwiftSession envToken() throws AuthException {
    String token = settings.env("OS_AUTH_TOKEN");
    if (token == null) {
      return null;
    }
    String own = settings.env("OS_STORAGE_URL");
    String configured = settings.storageUrl();
    if (configured == null) {
      return own == null ? null : new SwiftSession(token, own, null);
    }
    if ((own != null && Endpoints.same(configured, own)) || settings.trusts(configured)) {
      return new SwiftSession(token, configured, null);
    }
    throw refusedStorageUrl("the token in OS_AUTH_TOKEN", own, configured);
  }

  /**
   * The storage URL a freshly issued token may be sent to: the one the auth service returned, or
   * the configured one when it is the same or the host vouches for it. Anything else is refused
   * before the token leaves this host: the committed config alone cannot redirect it.
   */
  private SwiftSession storageUrlFor(SwiftSession issued) throws AuthException {
    String configured = settings.storageUrl();
    if (configured == null || Endpoints.same(configured, issued.storageUrl())) {
      return issued;
    }
    if (settings.trusts(configured)) {
      return issued.withStorageUrl(configured);
    }
    throw refusedStorageUrl("the token just issued", issued.storageUrl(), configured);
  }

  private AuthException refusedStorageUrl(String what, String own, String configured) {
    return new AuthException("refusing to send " + what + " to storage_url " + SwiftUrls.printable(configured)
        + ": it was issued for " + (own == null ? "another endpoint" : SwiftUrls.printable(own))
        + ", and a storage_url from the repository's pantri.toml cannot redirect this host's credentials."
        + " If " + SwiftUrls.printable(configured) + " is right, pass --storage_url on the command line or trust it"
        + " on this host (endpoints under [trust] in ~/.config/pantri/config.toml, or PANTRI_TRUST_ENDPOINTS)");
  }

  /** Where a fresh login of this run would authenticate (null when unknown). */
  private String plannedAuthUrl() {
    String stAuth = settings.env("ST_AUTH");
    String osAuth = settings.env("OS_AUTH_URL");
    if (settings.usePasswordFile()) {
      try {
        Credentials c = Credentials.fromPasswordFile(settings.credentialsDir());
        return passwordFileTarget(c, first(settings.authUrl(), stAuth, osAuth));
      } catch (AuthException e) {
        return first(settings.authUrl(), stAuth, osAuth);
      }
    }
    if (stAuth != null && settings.env("ST_USER") != null && settings.env("ST_KEY") != null) {
      return stAuth;
    }
    if (osAuth != null && settings.env("OS_USERNAME") != null && settings.env("OS_PASSWORD") != null) {
      return osAuth;
    }
    return first(settings.authUrl(), stAuth, osAuth);
  }

  /**
   * The password file's credentials go to the auth URL they are bound to; the configured one
   * replaces it only when the host vouches for it (e.g. --auth_url on the command line).
   */
  private String passwordFileTarget(Credentials c, String configured) {
    if (c.authUrl == null || configured == null || Endpoints.same(configured, c.authUrl)) {
      return c.authUrl != null ? c.authUrl : configured;
    }
    return settings.trusts(configured) ? configured : c.authUrl;
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
    String at;
    // Credentials from the environment go to the endpoint named beside them, never to a URL
    // from the committed config; the password file's go to the one it is bound to.
    if (settings.usePasswordFile()) {
      Credentials c = Credentials.fromPasswordFile(settings.credentialsDir());
      at = need(passwordFileTarget(c, configured));
      if (c.authUrl != null && settings.authUrl() != null && !Endpoints.same(at, settings.authUrl())) {
        LOG.warn("auth_url {} in the config is not the one {} is bound to; logging in at {}",
            SwiftUrls.printable(settings.authUrl()), Credentials.PASSWORD_FILE, SwiftUrls.printable(at));
      }
      s = loginAt(at, c);
      if (c.authUrl == null) {
        Credentials.bind(settings.credentialsDir(), at);
      }
    } else if (stAuth != null && settings.env("ST_USER") != null && settings.env("ST_KEY") != null) {
      at = stAuth;
      s = V1Auth.login(stAuth, new Credentials(settings.env("ST_USER"), settings.env("ST_KEY"), "ST_USER/ST_KEY"), timeout);
    } else if (osAuth != null && settings.env("OS_USERNAME") != null && settings.env("OS_PASSWORD") != null) {
      at = osAuth;
      s = KeystoneAuth.login(osAuth,
          new Credentials(settings.env("OS_USERNAME"), settings.env("OS_PASSWORD"), "OS_USERNAME/OS_PASSWORD"),
          scope(), timeout);
    } else {
      at = need(configured);
      s = loginAt(at, typed != null ? typed : ask(at));
    }
    s = storageUrlFor(s);
    try {
      cache.write(s, at);
    } catch (IOException e) {
      // the run can go on with the token in memory; only the next run pays a new login
      LOG.warn("could not write the token cache {}: {}", cache.file(), e.getMessage());
    }
    LOG.debug("authenticated to Swift as {}, storage URL {}", s.user(), SwiftUrls.printable(s.storageUrl()));
    return s;
  }

  private SwiftSession loginAt(String url, Credentials c) throws IOException {
    if (KeystoneAuth.isKeystoneUrl(url)) {
      return KeystoneAuth.login(url, c, scope(), timeout);
    }
    return V1Auth.login(url, c, timeout);
  }

  private Credentials ask(String at) throws AuthException {
    String def = System.getProperty("user.name");
    // the URL is shown: a person typing a password sees where it goes
    String user = settings.prompt().ask("Swift user name for " + SwiftUrls.printable(at), def);
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

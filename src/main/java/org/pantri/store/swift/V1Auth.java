package org.pantri.store.swift;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.pantri.store.AuthException;
import org.pantri.store.StoreException;

/** Swift v1 authentication (tempauth, swauth, many hosted Swifts): one GET with user and key. */
final class V1Auth {
  private V1Auth() {}

  static SwiftSession login(String authUrl, Credentials c, Duration timeout) throws IOException {
    URI uri = uri(authUrl);
    SwiftHttp.Request req = new SwiftHttp.Request("GET", uri)
        .header("X-Auth-User", c.user).header("X-Auth-Key", c.password).timeout(timeout);
    try (SwiftHttp.Resp r = SwiftHttp.send(req, "v1 authentication")) {
      if (r.status() == 401 || r.status() == 403) {
        throw SwiftAuthenticator.rejected(c, authUrl);
      }
      if (!r.ok()) {
        throw SwiftHttp.statusError(r, "v1 authentication", null, SwiftUrls.printable(uri));
      }
      String token = r.header("X-Auth-Token").or(() -> r.header("X-Storage-Token")).orElse(null);
      String url = r.header("X-Storage-Url").orElse(null);
      if (token == null || url == null) {
        throw new StoreException("the v1 auth answer from " + SwiftUrls.printable(uri)
            + " lacks X-Auth-Token or X-Storage-Url; is auth_url really a Swift v1 auth endpoint?");
      }
      return new SwiftSession(token, url, c.user);
    }
  }

  static URI uri(String url) throws AuthException {
    try {
      URI u = URI.create(url.trim());
      if (u.getScheme() == null || u.getHost() == null) {
        throw new IllegalArgumentException();
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new AuthException("auth_url '" + url + "' is not an http(s) URL");
    }
  }
}

package org.pantri.store.swift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.pantri.store.StoreException;

/**
 * Keystone v3 password authentication: POST /v3/auth/tokens, the token comes back in
 * X-Subject-Token and the storage URL is the object-store endpoint of the service catalog.
 */
final class KeystoneAuth {
  private KeystoneAuth() {}

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Project/domain/region/interface choices, from the OS_* variables. */
  record Scope(String projectName, String projectId, String userDomain, String projectDomain,
      String region, String iface) {}

  static boolean isKeystoneUrl(String url) {
    String p = URI.create(url.trim()).getPath();
    return p != null && (p.endsWith("/v3") || p.endsWith("/v3/") || p.contains("/v3/auth"));
  }

  static URI tokensUri(String authUrl) throws StoreException {
    String u = SwiftSession.stripSlash(authUrl);
    if (!u.endsWith("/auth/tokens")) {
      u = u.endsWith("/v3") ? u + "/auth/tokens" : u + "/v3/auth/tokens";
    }
    return V1Auth.uri(u);
  }

  static SwiftSession login(String authUrl, Credentials c, Scope s, Duration timeout) throws IOException {
    URI uri = tokensUri(authUrl);
    SwiftHttp.Request req = new SwiftHttp.Request("POST", uri)
        .body(SwiftHttp.bytes(JSON.writeValueAsBytes(body(c, s))))
        .header("Content-Type", "application/json").header("Accept", "application/json").timeout(timeout);
    try (SwiftHttp.Resp r = SwiftHttp.send(req, "Keystone v3 authentication")) {
      if (r.status() == 401 || r.status() == 403) {
        throw SwiftAuthenticator.rejected(c, authUrl);
      }
      if (!r.ok()) {
        throw SwiftHttp.statusError(r, "Keystone v3 authentication", null, SwiftUrls.printable(uri));
      }
      String token = r.header("X-Subject-Token").orElseThrow(() -> new StoreException(
          "Keystone at " + SwiftUrls.printable(uri) + " returned no X-Subject-Token"));
      JsonNode doc;
      try {
        doc = JSON.readTree(r.body());
      } catch (IOException e) {
        throw new StoreException("Keystone at " + SwiftUrls.printable(uri) + " returned an unreadable token document", e);
      }
      return new SwiftSession(token, endpoint(doc, s, uri), c.user);
    }
  }

  private static ObjectNode body(Credentials c, Scope s) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode auth = root.putObject("auth");
    ObjectNode identity = auth.putObject("identity");
    identity.putArray("methods").add("password");
    ObjectNode user = identity.putObject("password").putObject("user");
    user.put("name", c.user);
    user.putObject("domain").put("name", s.userDomain());
    user.put("password", c.password);
    if (s.projectId() != null) {
      auth.putObject("scope").putObject("project").put("id", s.projectId());
    } else if (s.projectName() != null) {
      ObjectNode project = auth.putObject("scope").putObject("project");
      project.put("name", s.projectName());
      project.putObject("domain").put("name", s.projectDomain());
    }
    return root;
  }

  /** The object-store endpoint for the wanted interface (and region, when one is named). */
  static String endpoint(JsonNode doc, Scope s, URI from) throws StoreException {
    JsonNode catalog = doc.path("token").path("catalog");
    for (JsonNode svc : catalog) {
      if (!"object-store".equals(svc.path("type").asText())) {
        continue;
      }
      for (JsonNode ep : svc.path("endpoints")) {
        boolean iface = s.iface().equalsIgnoreCase(ep.path("interface").asText());
        boolean region = s.region() == null
            || s.region().equals(ep.path("region_id").asText(null))
            || s.region().equals(ep.path("region").asText(null));
        if (iface && region && ep.hasNonNull("url")) {
          return ep.get("url").asText();
        }
      }
    }
    throw new StoreException("the Keystone catalog from " + SwiftUrls.printable(from)
        + " has no object-store endpoint for interface '" + s.iface() + "'"
        + (s.region() == null ? "" : " in region '" + s.region() + "'")
        + "; check OS_REGION_NAME/OS_INTERFACE or set storage_url");
  }
}

package org.pantri.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The test's own view of the real Swift server, bypassing Pantri and any proxy: what is really
 * stored. Uses the test credentials ({@link TestServers}).
 */
public final class SwiftDirect {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private volatile String storageUrl;
  private volatile String token;

  public SwiftDirect() throws IOException, InterruptedException {
    login();
  }

  /** Other tests on the shared server may invalidate the user's token: log in again on 401. */
  private void login() throws IOException, InterruptedException {
    HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(TestServers.SWIFT_AUTH))
        .header("X-Auth-User", TestServers.SWIFT_USER).header("X-Auth-Key", TestServers.SWIFT_KEY)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
    if (r.statusCode() != 200) {
      throw new IOException("v1 auth at " + TestServers.SWIFT_AUTH + " answered " + r.statusCode());
    }
    storageUrl = r.headers().firstValue("X-Storage-Url").orElseThrow();
    token = r.headers().firstValue("X-Auth-Token").orElseThrow();
  }

  private <T> HttpResponse<T> send(String rel, String method, HttpResponse.BodyHandler<T> body, String... headers)
      throws IOException, InterruptedException {
    for (int attempt = 0; ; attempt++) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(storageUrl + rel)).header("X-Auth-Token", token)
          .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30));
      for (int i = 0; i + 1 < headers.length; i += 2) {
        b.header(headers[i], headers[i + 1]);
      }
      HttpResponse<T> r = http.send(b.build(), body);
      if (r.statusCode() != 401 || attempt > 0) {
        return r;
      }
      if (r.body() instanceof InputStream in) {
        in.close();
      }
      login();
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
  }

  /** SHA-256 hex of the object's whole content (an SLO is read through its manifest), or null if absent. */
  public String sha256(String container, String key) throws IOException, InterruptedException {
    HttpResponse<InputStream> r = send("/" + container + "/" + enc(key), "GET",
        HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      if (r.statusCode() == 404) {
        return null;
      }
      if (r.statusCode() != 200) {
        throw new IOException("GET " + container + "/" + key + " answered " + r.statusCode());
      }
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] b = new byte[256 * 1024];
      for (int n; (n = in.read(b)) > 0; ) {
        md.update(b, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** HTTP status of a HEAD on the object. */
  public int head(String container, String key) throws IOException, InterruptedException {
    return send("/" + container + "/" + enc(key), "HEAD", HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Object names in the container (empty when it does not exist). */
  public List<String> list(String container) throws IOException, InterruptedException {
    List<String> names = new ArrayList<>();
    String marker = "";
    while (true) {
      HttpResponse<String> r = send("/" + container + "?format=json&limit=1000&marker=" + enc(marker), "GET",
          HttpResponse.BodyHandlers.ofString(), "Accept", "application/json");
      if (r.statusCode() == 404 || r.statusCode() == 204) {
        return names;
      }
      JsonNode arr = JSON.readTree(r.body());
      if (arr.isEmpty()) {
        return names;
      }
      arr.forEach(n -> names.add(n.path("name").asText()));
      marker = names.get(names.size() - 1);
    }
  }

  /** Deletes the container and everything in it; best effort, for clean-up. */
  public void deleteContainer(String container) {
    try {
      for (String n : list(container)) {
        send("/" + container + "/" + enc(n), "DELETE", HttpResponse.BodyHandlers.discarding());
      }
      send("/" + container, "DELETE", HttpResponse.BodyHandlers.discarding());
    } catch (IOException | InterruptedException e) {
      // leftovers in a throw-away test account do no harm
    }
  }
}

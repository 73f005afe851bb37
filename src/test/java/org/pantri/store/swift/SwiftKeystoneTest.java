package org.pantri.store.swift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pantri.store.AuthException;
import org.pantri.store.CredentialPrompt;
import org.pantri.store.StoreException;
import org.pantri.store.StoreSettings;

/**
 * Keystone v3 password auth. There is no Keystone server on this machine: these tests run against
 * an in-process fake that answers POST /v3/auth/tokens like Keystone does (201, X-Subject-Token,
 * a service catalog with several regions and interfaces).
 */
class SwiftKeystoneTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private final AtomicReference<JsonNode> lastBody = new AtomicReference<>();

  private static final String CATALOG = """
      {"token": {"methods": ["password"], "expires_at": "2030-01-01T00:00:00.000000Z",
        "project": {"id": "p1", "name": "pkgs", "domain": {"id": "default", "name": "Default"}},
        "catalog": [
          {"type": "identity", "name": "keystone", "endpoints": [
            {"interface": "public", "region_id": "RegionOne", "region": "RegionOne", "url": "http://id.example/v3"}]},
          {"type": "object-store", "name": "swift", "endpoints": [
            {"interface": "internal", "region_id": "RegionOne", "region": "RegionOne", "url": "http://10.0.0.1:8080/v1/AUTH_p1"},
            {"interface": "public", "region_id": "RegionOne", "region": "RegionOne", "url": "https://swift1.example/v1/AUTH_p1"},
            {"interface": "admin", "region_id": "RegionOne", "region": "RegionOne", "url": "http://10.0.0.1:8080"},
            {"interface": "public", "region_id": "RegionTwo", "region": "RegionTwo", "url": "https://swift2.example/v1/AUTH_p1"}]}]}}
      """;

  private FakeHttp keystone() throws Exception {
    return new FakeHttp((ex, body) -> {
      JsonNode req = JSON.readTree(body);
      lastBody.set(req);
      JsonNode user = req.path("auth").path("identity").path("password").path("user");
      if (!ex.getRequestURI().getPath().equals("/v3/auth/tokens") || !ex.getRequestMethod().equals("POST")) {
        FakeHttp.reply(ex, 404, "not found");
      } else if (!user.path("password").asText().equals("right-pw")) {
        FakeHttp.reply(ex, 401, "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\"}}");
      } else {
        ex.getResponseHeaders().add("X-Subject-Token", "gAAAAAkeystonetoken");
        ex.getResponseHeaders().add("Content-Type", "application/json");
        FakeHttp.reply(ex, 201, CATALOG);
      }
    });
  }

  private Map<String, String> osEnv(FakeHttp ks, String password) {
    Map<String, String> env = new HashMap<>();
    env.put("OS_AUTH_URL", ks.url("/v3"));
    env.put("OS_USERNAME", "alice");
    env.put("OS_PASSWORD", password);
    env.put("OS_PROJECT_NAME", "pkgs");
    env.put("OS_USER_DOMAIN_NAME", "corp");
    env.put("OS_PROJECT_DOMAIN_NAME", "Default");
    return env;
  }

  @Test
  void passwordAuthPicksThePublicObjectStoreAndCachesTheToken() throws Exception {
    try (FakeHttp ks = keystone()) {
      SwiftAuth.AuthResult r = SwiftAuth.authenticate(SwiftTestEnv.settings(dir, "c", osEnv(ks, "right-pw")));
      assertThat(r.storageUrl()).isEqualTo("https://swift1.example/v1/AUTH_p1");
      assertThat(r.user()).isEqualTo("alice");
      JsonNode auth = lastBody.get().path("auth");
      assertThat(auth.at("/identity/methods/0").asText()).isEqualTo("password");
      assertThat(auth.at("/identity/password/user/name").asText()).isEqualTo("alice");
      assertThat(auth.at("/identity/password/user/domain/name").asText()).isEqualTo("corp");
      assertThat(auth.at("/scope/project/name").asText()).isEqualTo("pkgs");
      assertThat(auth.at("/scope/project/domain/name").asText()).isEqualTo("Default");
      Path tok = dir.resolve(".pantri_auth_token");
      assertThat(JSON.readTree(Files.readAllBytes(tok)).get("auth_token").asText()).isEqualTo("gAAAAAkeystonetoken");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tok))).isEqualTo("rw-------");
    }
  }

  @Test
  void regionAndInterfaceSelectTheEndpointAndStorageUrlOverrides() throws Exception {
    try (FakeHttp ks = keystone()) {
      Map<String, String> env = osEnv(ks, "right-pw");
      env.put("OS_REGION_NAME", "RegionTwo");
      assertThat(SwiftAuth.authenticate(SwiftTestEnv.settings(dir, "c", env)).storageUrl())
          .isEqualTo("https://swift2.example/v1/AUTH_p1");
      env.put("OS_REGION_NAME", "RegionOne");
      env.put("OS_INTERFACE", "internal");
      assertThat(SwiftAuth.authenticate(SwiftTestEnv.settings(dir, "c", env)).storageUrl())
          .isEqualTo("http://10.0.0.1:8080/v1/AUTH_p1");
      env.put("OS_REGION_NAME", "RegionNine");
      assertThatThrownBy(() -> SwiftAuth.authenticate(SwiftTestEnv.settings(dir, "c", env)))
          .isInstanceOf(StoreException.class).hasMessageContaining("RegionNine").hasMessageContaining("OS_REGION_NAME");
      // a storage_url that is not the catalog's is only honoured when the host vouches for it
      StoreSettings committed = new StoreSettings("https://elsewhere.example/v1/AUTH_p1", null, "c", 0, dir, false,
          CredentialPrompt.NONE, osEnv(ks, "right-pw"), Map.of());
      assertThatThrownBy(() -> SwiftAuth.authenticate(committed)).isInstanceOf(AuthException.class)
          .hasMessageContaining("refusing to send").hasMessageContaining("elsewhere.example")
          .hasMessageContaining("[trust]");
      StoreSettings override = new StoreSettings("https://elsewhere.example/v1/AUTH_p1", null, "c", 0, dir, false,
          CredentialPrompt.NONE, osEnv(ks, "right-pw"), Map.of(), java.util.List.of("https://elsewhere.example/"));
      assertThat(SwiftAuth.authenticate(override).storageUrl()).isEqualTo("https://elsewhere.example/v1/AUTH_p1");
    }
  }

  @Test
  void wrongPasswordIsRejectedWithoutShowingIt() throws Exception {
    try (FakeHttp ks = keystone()) {
      assertThatThrownBy(() -> SwiftAuth.authenticate(SwiftTestEnv.settings(dir, "c", osEnv(ks, "wrong-Pw-77"))))
          .isInstanceOf(AuthException.class)
          .hasMessageContaining("user alice").hasMessageContaining(ks.url("/v3"))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong-Pw-77"));
    }
  }

  @Test
  void configuredV3AuthUrlWithPasswordFile() throws Exception {
    try (FakeHttp ks = keystone()) {
      Files.writeString(dir.resolve(".pantri_password"), "{\"username\": \"bob\", \"password\": \"right-pw\"}");
      Map<String, String> env = Map.of("OS_PROJECT_NAME", "pkgs");
      StoreSettings s = SwiftTestEnv.settings(dir, "c", env, ks.url("/v3"), true, CredentialPrompt.NONE, Map.of());
      assertThat(SwiftAuth.authenticate(s).storageUrl()).isEqualTo("https://swift1.example/v1/AUTH_p1");
      assertThat(lastBody.get().at("/auth/identity/password/user/name").asText()).isEqualTo("bob");
      assertThat(lastBody.get().at("/auth/identity/password/user/domain/name").asText()).isEqualTo("Default");
    }
  }
}

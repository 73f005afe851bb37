package org.pantri.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a store may need to connect, already merged from CLI, shelf config and defaults. It
 * carries no secrets from the committed config: credentials come from the environment, the
 * password file or the prompt.
 *
 * @param storageUrl where objects live (URL or directory), may be null
 * @param authUrl where to authenticate, may be null
 * @param container container / bucket name, may be null
 * @param segmentSize part size for large objects in bytes
 * @param credentialsDir directory holding .pantri_auth_token / .pantri_password (the repo root)
 * @param usePasswordFile authenticate from the password file, never prompt
 * @param prompt how to ask the user for credentials; {@link CredentialPrompt#NONE} when not interactive
 * @param env environment variables (injectable for tests)
 * @param options every other option from the config, as strings (store-specific keys)
 * @param trustedEndpoints URL prefixes this host vouches for (its command line, its user-level
 *     config, its environment): a storage_url or auth_url under one of them may receive this
 *     host's credentials although they were issued for another endpoint. URLs that came only from
 *     the repository's committed config are not in it.
 */
public record StoreSettings(
    String storageUrl,
    String authUrl,
    String container,
    long segmentSize,
    Path credentialsDir,
    boolean usePasswordFile,
    CredentialPrompt prompt,
    Map<String, String> env,
    Map<String, String> options,
    List<String> trustedEndpoints) {

  public StoreSettings {
    trustedEndpoints = trustedEndpoints == null ? List.of() : List.copyOf(trustedEndpoints);
  }

  /** Settings without any endpoint the host vouches for beyond its credentials' own. */
  public StoreSettings(String storageUrl, String authUrl, String container, long segmentSize, Path credentialsDir,
      boolean usePasswordFile, CredentialPrompt prompt, Map<String, String> env, Map<String, String> options) {
    this(storageUrl, authUrl, container, segmentSize, credentialsDir, usePasswordFile, prompt, env, options,
        List.of());
  }

  /** True when the host vouches for {@code url} (see {@link #trustedEndpoints}). */
  public boolean trusts(String url) {
    return url != null && trustedEndpoints.stream().anyMatch(p -> Endpoints.sameOrUnder(url, p));
  }

  public String option(String key, String fallback) {
    String v = options.get(key);
    return v == null || v.isBlank() ? fallback : v;
  }

  public String env(String key) {
    String v = env.get(key);
    return v == null || v.isBlank() ? null : v;
  }
}

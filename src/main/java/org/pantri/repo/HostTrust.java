package org.pantri.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pantri.store.Endpoints;

/**
 * What this host allows a repository's committed configuration to point it at. Anyone who can
 * push to the repository can change {@code pantri.toml}; this host's own secrets and directories
 * must not follow such a change. Only the host decides: its user-level config file
 * ({@code $XDG_CONFIG_HOME/pantri/config.toml}, table {@code [trust]}) and its environment
 * ({@code PANTRI_TRUST_ENDPOINTS}, {@code PANTRI_TRUST_DESTINATIONS}, space- or comma-separated),
 * never the repository.
 *
 * @param endpoints URL prefixes (scheme, host, port, path prefix) that a committed storage_url or
 *     auth_url may name although this host's credentials were issued for another endpoint
 * @param destinations directories under which a committed dest_sync outside the repository may lie
 * @param source where the lists came from, for messages
 */
public record HostTrust(List<String> endpoints, List<Path> destinations, String source) {
  public static final String FILE = "config.toml";

  public static HostTrust none() {
    return new HostTrust(List.of(), List.of(), "nothing");
  }

  /** The user-level config file of this host. */
  public static Path file(Map<String, String> env, Path home) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config");
    return base.resolve("pantri").resolve(FILE);
  }

  /** Loads the host's trust from its environment and user-level config file. */
  public static HostTrust load(Map<String, String> env, Path home) throws RepoException {
    List<String> endpoints = new ArrayList<>(split(env.get("PANTRI_TRUST_ENDPOINTS")));
    List<Path> dests = new ArrayList<>();
    split(env.get("PANTRI_TRUST_DESTINATIONS")).forEach(d -> dests.add(Path.of(d).toAbsolutePath().normalize()));
    Path f = file(env, home);
    if (Files.isRegularFile(f)) {
      JsonNode root;
      try {
        root = new TomlMapper().readTree(f.toFile());
      } catch (IOException e) {
        throw new RepoException(f + " is not valid TOML: " + e.getMessage().lines().findFirst().orElse(""));
      }
      JsonNode trust = root == null ? null : root.get("trust");
      if (trust != null) {
        if (!trust.isObject()) {
          throw new RepoException(f + ": [trust] must be a table");
        }
        for (var it = trust.fields(); it.hasNext(); ) {
          var e = it.next();
          List<String> values = strings(f, e.getKey(), e.getValue());
          switch (e.getKey()) {
            case "endpoints" -> endpoints.addAll(values);
            case "destinations" -> values.forEach(d -> dests.add(Path.of(d).toAbsolutePath().normalize()));
            default -> throw new RepoException(f + ": [trust] has no key '" + e.getKey()
                + "' (known: endpoints, destinations)");
          }
        }
      }
    }
    return new HostTrust(List.copyOf(endpoints), List.copyOf(dests), f + " and PANTRI_TRUST_*");
  }

  private static List<String> strings(Path f, String key, JsonNode v) throws RepoException {
    List<String> out = new ArrayList<>();
    if (v.isTextual()) {
      out.add(v.asText());
    } else if (v.isArray()) {
      for (JsonNode x : v) {
        if (!x.isTextual()) {
          throw new RepoException(f + ": [trust] " + key + " must be a list of strings");
        }
        out.add(x.asText());
      }
    } else {
      throw new RepoException(f + ": [trust] " + key + " must be a list of strings");
    }
    return out;
  }

  private static List<String> split(String v) {
    List<String> out = new ArrayList<>();
    if (v != null) {
      for (String s : v.split("[\\s,]+")) {
        if (!s.isBlank()) {
          out.add(s.trim());
        }
      }
    }
    return out;
  }

  /** True when a destination outside the repository is allowed by this host. */
  public boolean allowsDestination(Path dest) {
    Path d = dest.toAbsolutePath().normalize();
    return destinations.stream().anyMatch(d::startsWith);
  }

  /** True when {@code url} lies under one of {@code prefixes}. */
  public static boolean endpointUnder(String url, List<String> prefixes) {
    return prefixes.stream().anyMatch(p -> Endpoints.sameOrUnder(url, p));
  }
}

package org.pantri.store.swift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.pantri.store.AuthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A user name and password; {@link #toString()} hides the password. */
final class Credentials {
  static final String PASSWORD_FILE = ".pantri_password";
  private static final Logger LOG = LoggerFactory.getLogger(Credentials.class);

  final String user;
  final String password;
  /** Where they came from, for messages ("ST_USER/ST_KEY", ".pantri_password", ...). */
  final String source;
  /** The auth endpoint they belong to, when known (the password file's "auth_url"); else null. */
  final String authUrl;

  Credentials(String user, String password, String source) {
    this(user, password, source, null);
  }

  Credentials(String user, String password, String source, String authUrl) {
    this.user = user;
    this.password = password;
    this.source = source;
    this.authUrl = authUrl;
  }

  /** Reads {"username": ..., "password": ...} from the password file. */
  static Credentials fromPasswordFile(Path dir) throws AuthException {
    Path f = dir == null ? Path.of(PASSWORD_FILE) : dir.resolve(PASSWORD_FILE);
    JsonNode n;
    try {
      warnIfOpen(f);
      n = new ObjectMapper().readTree(Files.readAllBytes(f));
    } catch (NoSuchFileException e) {
      throw new AuthException("the password file " + f + " does not exist; create it (mode 0600) as "
          + "{\"username\": \"...\", \"password\": \"...\"} or authenticate without -p");
    } catch (IOException | RuntimeException e) {
      // the parser's message could quote the file's content, i.e. the password
      throw new AuthException("the password file " + f + " is unreadable or not JSON like "
          + "{\"username\": \"...\", \"password\": \"...\"}");
    }
    String user = n == null || n.get("username") == null ? null : n.get("username").asText(null);
    String pass = n == null || n.get("password") == null ? null : n.get("password").asText(null);
    if (user == null || user.isBlank() || pass == null) {
      throw new AuthException("the password file " + f + " needs both \"username\" and \"password\"");
    }
    JsonNode bound = n.get("auth_url");
    String authUrl = bound != null && bound.isTextual() && !bound.asText().isBlank() ? bound.asText().trim() : null;
    return new Credentials(user, pass, PASSWORD_FILE, authUrl);
  }

  /**
   * Records in the password file the auth URL its credentials were first accepted at ("auth_url",
   * which the original tool ignores), so that a later change of auth_url in the committed config
   * cannot send them elsewhere. Best effort: a read-only file is left alone, with a warning.
   */
  static void bind(Path dir, String authUrl) {
    Path f = dir == null ? Path.of(PASSWORD_FILE) : dir.resolve(PASSWORD_FILE);
    try {
      JsonNode n = new ObjectMapper().readTree(Files.readAllBytes(f));
      if (!(n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) || o.has("auth_url")) {
        return;
      }
      o.put("auth_url", authUrl);
      TokenCache.writeOwnerOnly(f, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
      LOG.info("{}: bound to auth URL {} (first use); edit its \"auth_url\" to move it", f, SwiftUrls.printable(authUrl));
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not record auth_url in {} ({}); add \"auth_url\": \"{}\" to it yourself so its credentials"
          + " are only ever sent there", f, e.getClass().getSimpleName(), SwiftUrls.printable(authUrl));
    }
  }

  private static void warnIfOpen(Path f) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(f);
      if (p.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"))) {
        LOG.warn("{} is readable by other users; run: chmod 600 {}", f, f);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // missing file is reported by the caller; non-POSIX file systems have nothing to check
    }
  }

  @Override
  public String toString() {
    return "Credentials[" + user + " from " + source + ", password=<redacted>]";
  }
}

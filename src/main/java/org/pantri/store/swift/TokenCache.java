package org.pantri.store.swift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.ByteBuffer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.pantri.io.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token cache {@code .pantri_auth_token}: {"auth_token": "..."} as the original tool wrote it,
 * plus "storage_url" so a cached token is usable without authenticating first (the original
 * ignores extra keys).
 */
final class TokenCache {
  static final String FILE = ".pantri_auth_token";
  private static final Logger LOG = LoggerFactory.getLogger(TokenCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  TokenCache(Path credentialsDir) {
    this.file = credentialsDir == null ? null : credentialsDir.resolve(FILE);
  }

  Path file() {
    return file;
  }

  /**
   * A cached token and what it is bound to: the storage URL it was used with and the auth URL
   * that issued it (either null in a cache written by the original tool or an older Pantri).
   */
  record Entry(String token, String storageUrl, String authUrl) {
    @Override
    public String toString() {
      return "TokenCache.Entry[" + storageUrl + ", auth " + authUrl + ", token=<redacted>]";
    }
  }

  /** The cached entry, or null when there is no usable cache file. */
  Entry read() {
    if (file == null) {
      return null;
    }
    try {
      JsonNode n = JSON.readTree(Files.readAllBytes(file));
      String token = text(n, "auth_token");
      if (token == null) {
        return null;
      }
      return new Entry(token, text(n, "storage_url"), text(n, "auth_url"));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | RuntimeException e) {
      LOG.debug("ignoring unreadable token cache {}: {}", file, e.getClass().getSimpleName());
      return null;
    }
  }

  private static String text(JsonNode n, String key) {
    JsonNode v = n == null ? null : n.get(key);
    return v == null || !v.isTextual() || v.asText().isBlank() ? null : v.asText();
  }

  /**
   * Replaces the cache atomically. The temp file is created 0600 from the start (never chmod-ed
   * later), so the token is never readable by others, not even for a moment.
   */
  void write(SwiftSession s, String authUrl) throws IOException {
    if (file == null) {
      return;
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("auth_token", s.token());
    if (s.storageUrl() != null) {
      n.put("storage_url", s.storageUrl());
    }
    if (authUrl != null) {
      n.put("auth_url", authUrl);
    }
    writeOwnerOnly(file, JSON.writeValueAsBytes(n));
    LOG.debug("cached a Swift token in {}", file);
  }

  /** Replaces {@code file} atomically with {@code bytes}, readable by the owner only from the start. */
  static void writeOwnerOnly(Path file, byte[] bytes) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    AtomicFiles.write(file, tmp -> {
      try (SeekableByteChannel ch = Files.newByteChannel(tmp,
          EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly())) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
      }
    }, true);
  }

  static FileAttribute<?>[] ownerOnly() {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return new FileAttribute<?>[] {
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
      };
    }
    return new FileAttribute<?>[0];
  }
}

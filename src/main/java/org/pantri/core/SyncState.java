package org.pantri.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.pantri.io.AtomicFiles;

/**
 * The last commit fully synced into one destination, per shelf. Written only after a shelf
 * synced without a single failure, so a half-done retrieve is finished by the next plain one.
 */
final class SyncState {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private final Map<String, String> commits = new HashMap<>();

  private SyncState(Path file) {
    this.file = file;
  }

  static SyncState load(Path stateDir) {
    SyncState s = new SyncState(stateDir.resolve("state.json"));
    try {
      if (Files.exists(s.file)) {
        JsonNode n = JSON.readTree(s.file.toFile()).path("shelves");
        n.fields().forEachRemaining(e -> {
          String c = e.getValue().path("commit").asText(null);
          if (c != null && c.matches("[0-9a-f]{40,64}")) {
            s.commits.put(e.getKey(), c);
          }
        });
      }
    } catch (IOException e) {
      // An unreadable state only costs a full (stat-only) comparison; it never loses data.
      s.commits.clear();
    }
    return s;
  }

  String commit(String shelf) {
    return commits.get(shelf);
  }

  /** The shelves recorded here, sorted. */
  java.util.List<String> shelves() {
    return commits.keySet().stream().sorted().toList();
  }

  /** Drops a shelf that no longer exists (its files are gone from the destination). */
  void forget(String shelf) throws IOException {
    if (commits.remove(shelf) != null) {
      save();
    }
  }

  void record(String shelf, String commit) throws IOException {
    commits.put(shelf, commit);
    save();
  }

  private void save() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    ObjectNode shelves = root.putObject("shelves");
    commits.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> shelves.putObject(e.getKey()).put("commit", e.getValue()));
    Files.createDirectories(file.getParent());
    AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }
}

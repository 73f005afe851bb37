package org.pantri.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pantri.store.ObjectStoreProvider;
import org.pantri.store.ObjectStores;

/**
 * The committed configuration file {@code pantri.toml} at the repository root: a {@code [default]}
 * table and one {@code [shelves.NAME]} table per shelf that differs. Secrets are refused.
 */
public final class Config {
  public static final String FILE_NAME = "pantri.toml";

  public static final List<String> DEFAULT_IGNORES =
      List.of("._*", ".__*", ".TemporaryItems*", "._.TemporaryItems", ".DS_Store", "*.pyc");

  /**
   * The options the core itself reads. Store-specific keys (e.g. {@code swift_timeout}) are
   * declared by the store providers and passed to {@link #load}.
   */
  public static final Set<String> CORE_KEYS =
      Set.of("object_store", "storage_url", "auth_url", "object_store_container", "ignore_patterns",
          "binary_overrides", "dest_sync", "checksum", "layout", "segment_size", "jobs", "retries", "atomic",
          "keep_generations", "create_missing");

  private static final Set<String> SECRET_WORDS = Set.of("password", "secret", "token", "key");

  private final Map<String, Object> defaults;
  private final Map<String, Map<String, Object>> shelves;
  private final List<String> warnings;

  private Config(Map<String, Object> defaults, Map<String, Map<String, Object>> shelves,
      List<String> warnings) {
    this.defaults = defaults;
    this.shelves = shelves;
    this.warnings = warnings;
  }

  public static Config empty() {
    return new Config(Map.of(), Map.of(), List.of());
  }

  public List<String> warnings() {
    return warnings;
  }

  /**
   * Loads the file; a missing file is an empty config. {@code storeKeys} are the keys the store
   * providers declare: with {@link #CORE_KEYS} they are the known options; any other key is an
   * error naming file, line, key and the closest known key.
   */
  public static Config load(Path file, Set<String> storeKeys) throws RepoException {
    if (!Files.exists(file)) {
      return empty();
    }
    JsonNode root;
    try {
      root = new TomlMapper().readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null || loc.getLineNr() < 1 ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
      throw new RepoException(file + " is not valid TOML" + where + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (IOException e) {
      throw new RepoException(file + " could not be read: " + e.getMessage());
    }
    Set<String> known = new java.util.TreeSet<>(CORE_KEYS);
    known.addAll(storeKeys);
    List<String> lines;
    try {
      lines = Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      lines = List.of();
    }
    List<String> warnings = new ArrayList<>();
    Map<String, Object> defaults = new LinkedHashMap<>();
    Map<String, Map<String, Object>> shelves = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      switch (e.getKey()) {
        case "default" -> defaults.putAll(table(file, lines, "default", e.getValue(), known, warnings));
        case "shelves" -> {
          if (!e.getValue().isObject()) {
            throw new RepoException(file + ": 'shelves' must be a table of [shelves.NAME] tables");
          }
          for (Iterator<Map.Entry<String, JsonNode>> s = e.getValue().fields(); s.hasNext(); ) {
            Map.Entry<String, JsonNode> shelf = s.next();
            shelves.put(shelf.getKey(),
                table(file, lines, "shelves." + shelf.getKey(), shelf.getValue(), known, warnings));
          }
        }
        default -> warnings.add(file + lineRef(lines, null, e.getKey()) + ": unknown table or key '" + e.getKey()
            + "' (expected [default] or [shelves.NAME])" + didYouMean(e.getKey(), Set.of("default", "shelves")));
      }
    }
    if (!warnings.isEmpty()) {
      // a typo must stop the run before anything is stored in the wrong place
      throw new RepoException(String.join("\n", warnings)
          + (warnings.size() > 1 ? "\n" : "; ") + "fix " + file.getFileName()
          + " (every key is listed in the README's configuration reference)");
    }
    return new Config(defaults, shelves, warnings);
  }

  /**
   * Every [shelves.NAME] table must name a shelf that exists under shelves/: a misspelt name would
   * silently leave the real shelf with the defaults.
   */
  public void checkShelves(List<String> existing, Path file) throws RepoException {
    List<String> problems = new ArrayList<>();
    for (String s : shelves.keySet()) {
      if (!existing.contains(s)) {
        problems.add(file + ": [shelves." + s + "] names no shelf: there is no directory shelves/" + s
            + didYouMean(s, new java.util.TreeSet<>(existing)));
      }
    }
    if (!problems.isEmpty()) {
      throw new RepoException(String.join("\n", problems) + "; fix the table's name or remove it");
    }
  }

  /** " (line N)" where {@code key} is set in table {@code table} (null: before any table), or "". */
  static String lineRef(List<String> lines, String table, String key) {
    String current = null;
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (l.startsWith("[")) {
        String name = l.replaceAll("^\\[+|\\]+\\s*(#.*)?$", "").replace("\"", "").replace("'", "").replace(" ", "");
        if (table == null && (name.equals(key) || name.startsWith(key + "."))) {
          return " (line " + (i + 1) + ")";
        }
        current = name;
        continue;
      }
      String k = l.replaceAll("\\s*=.*$", "").replace("\"", "").replace("'", "").strip();
      if (k.equals(key) && java.util.Objects.equals(current, table)) {
        return " (line " + (i + 1) + ")";
      }
    }
    return "";
  }

  private static Map<String, Object> table(Path file, List<String> lines, String table, JsonNode node,
      Set<String> known, List<String> warnings) throws RepoException {
    String where = "[" + table + "]";
    if (!node.isObject()) {
      throw new RepoException(file + ": " + where + " must be a table");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      if (!known.contains(k)) {
        if (SECRET_WORDS.stream().anyMatch(k.toLowerCase()::contains)) {
          throw new RepoException(file + ": " + where + " sets '" + k
              + "': secrets never go in the committed config; use the password file, the"
              + " environment or the prompt");
        }
        warnings.add(file + lineRef(lines, table, k) + ": " + where + " unknown option '" + k + "'" + didYouMean(k, known));
        continue;
      }
      JsonNode v = e.getValue();
      if (v.isArray()) {
        List<String> l = new ArrayList<>();
        v.forEach(x -> l.add(x.asText()));
        out.put(k, l);
      } else if (v.isValueNode()) {
        out.put(k, v.isBoolean() ? v.booleanValue() : v.asText());
      } else {
        throw new RepoException(file + ": " + where + " option '" + k + "' must be a value or list");
      }
    }
    return out;
  }

  /** " (did you mean 'x'?)" for the closest of {@code known} within edit distance 2, else "". */
  static String didYouMean(String key, Set<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : new java.util.TreeSet<>(known)) {
      int d = distance(key.toLowerCase(java.util.Locale.ROOT), k);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best == null ? "" : " (did you mean '" + best + "'?)";
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /**
   * The options for {@code shelf} (null: no particular shelf), with {@code cli} (only options the
   * user actually gave) taking precedence. Relative paths are resolved against {@code repoRoot}.
   */
  public Options resolve(String shelf, Map<String, Object> cli, Path repoRoot, Path defaultDataDir)
      throws RepoException {
    Map<String, Object> m = new LinkedHashMap<>(defaults);
    if (shelf != null && shelves.containsKey(shelf)) {
      m.putAll(shelves.get(shelf));
    }
    m.putAll(cli);
    String store = str(m, "object_store", "fs");
    String storageUrl = str(m, "storage_url", null);
    boolean local = isLocalDirectory(store);
    if (local) {
      storageUrl = storageUrl == null
          ? defaultDataDir.toString()
          : storageUrl.startsWith("file:") ? storageUrl : repoRoot.resolve(storageUrl).normalize().toString();
    }
    Path dest = repoRoot.resolve(str(m, "dest_sync", "dest_sync")).normalize();
    Map<String, String> raw = new LinkedHashMap<>();
    m.forEach((k, v) -> raw.put(k, String.valueOf(v)));
    return new Options(
        store,
        storageUrl,
        str(m, "auth_url", null),
        str(m, "object_store_container", local ? null : "pantri"),
        list(m, "ignore_patterns", DEFAULT_IGNORES),
        list(m, "binary_overrides", List.of()),
        dest,
        bool(m, "checksum"),
        Layout.parse(str(m, "layout", "content")),
        num(m, "segment_size", 0, 0),
        (int) num(m, "jobs", 8, 1),
        (int) num(m, "retries", 5, 0),
        raw);
  }

  /** The store keeps objects in a local directory (its provider says so); unknown stores do not. */
  static boolean isLocalDirectory(String store) {
    return ObjectStores.find(store)
        .map(p -> p.capabilities().contains(ObjectStoreProvider.Capability.LOCAL_DIRECTORY)).orElse(false);
  }

  private static String str(Map<String, Object> m, String k, String d) {
    Object v = m.get(k);
    return v == null || v.toString().isBlank() ? d : v.toString();
  }

  @SuppressWarnings("unchecked")
  private static List<String> list(Map<String, Object> m, String k, List<String> d) {
    Object v = m.get(k);
    if (v == null) {
      return d;
    }
    return v instanceof List<?> l ? List.copyOf((List<String>) l) : List.of(v.toString());
  }

  private static boolean bool(Map<String, Object> m, String k) throws RepoException {
    Object v = m.get(k);
    if (v == null || v instanceof Boolean) {
      return v != null && (Boolean) v;
    }
    String s = v.toString().trim().toLowerCase();
    if (s.equals("true") || s.equals("yes") || s.equals("1")) {
      return true;
    }
    if (s.equals("false") || s.equals("no") || s.equals("0")) {
      return false;
    }
    throw new RepoException("option " + k + " must be true or false, not '" + v + "'");
  }

  private static long num(Map<String, Object> m, String k, long d, long min) throws RepoException {
    Object v = m.get(k);
    if (v == null) {
      return d;
    }
    try {
      long n = Long.parseLong(v.toString().trim());
      if (n < min) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new RepoException("option " + k + " must be a whole number >= " + min + ", not '" + v + "'");
    }
  }
}

package org.pantri.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pantri.core.PantriException.Category;
import org.pantri.repo.Config;
import org.pantri.repo.Git;
import org.pantri.repo.Repository;
import org.pantri.store.ObjectStores;
import org.pantri.store.OptionSpec;

/**
 * {@code pantri init [DIR]}: sets a repository up for Pantri. Creates what is missing (a git
 * repository, shelves/, a commented pantri.toml listing every key with its default, .gitignore
 * lines for the secret files and the default dest_sync/) and never changes what is there: an
 * existing pantri.toml is left alone (init says which keys it does not mention), existing
 * .gitignore lines stay, only missing ones are appended.
 */
public final class InitOperation {
  /** Core keys with their defaults and a one-line meaning, in the order the file lists them. */
  static final List<String[]> CORE = List.of(
      new String[] {"object_store", "\"fs\"", "fs (local directory), swift, s3 or a plug-in's name"},
      new String[] {"storage_url", "\"\"", "fs: directory (default ~/.local/share/pantri/objects); Swift: storage URL override; S3: endpoint"},
      new String[] {"auth_url", "\"\"", "Swift auth URL (v1, or a Keystone /v3 URL)"},
      new String[] {"object_store_container", "\"pantri\"", "Swift container / S3 bucket"},
      new String[] {"layout", "\"content\"", "content: objects named by SHA-256 (gc works); path: by path under shelves/ (the original's)"},
      new String[] {"ignore_patterns", "[\"._*\", \".__*\", \".TemporaryItems*\", \"._.TemporaryItems\", \".DS_Store\", \"*.pyc\"]",
          "file names never stored (fnmatch)"},
      new String[] {"binary_overrides", "[]", "file names stored even when they are text"},
      new String[] {"dest_sync", "\"dest_sync\"", "retrieve destination"},
      new String[] {"checksum", "false", "compare by SHA-256 instead of size + mtime"},
      new String[] {"segment_size", "0", "part size for large files; 0 = the store's default (Swift 4 GiB, S3 64 MiB)"},
      new String[] {"jobs", "8", "transfers at once"},
      new String[] {"retries", "5", "retries per failed transfer"});

  public static final List<String> IGNORE_LINES = List.of("/.pantri_auth_token", "/.pantri_password", "/dest_sync/");

  private InitOperation() {}

  /** The pantri.toml text: every key commented out with its default; {@code given} filled in. */
  static String template(Map<String, Object> given) {
    StringBuilder sb = new StringBuilder();
    sb.append("# pantri.toml: Pantri's configuration, committed with the repository. No secrets here.\n")
        .append("# Precedence: command line > [shelves.NAME] > [default] > built-in default.\n")
        .append("# Every key is listed with its default, commented out; uncomment to change one.\n\n")
        .append("[default]\n");
    List<String> done = new ArrayList<>();
    for (String[] k : CORE) {
      line(sb, k[0], k[1], k[2], given);
      done.add(k[0]);
    }
    Map<String, OptionSpec> store = ObjectStores.declaredOptions();
    if (!store.isEmpty()) {
      sb.append("\n# Keys declared by the object stores:\n");
    }
    for (OptionSpec o : store.values()) {
      if (done.contains(o.name())) {
        continue;
      }
      String def = o.defaultValue() == null ? "\"\"" : switch (o.type()) {
        case STRING -> "\"" + o.defaultValue() + "\"";
        default -> o.defaultValue();
      };
      line(sb, o.name(), def, o.help(), given);
    }
    sb.append("\n# One table per shelf that differs, e.g.:\n")
        .append("# [shelves.mac]\n# dest_sync = \"/srv/munki\"\n# binary_overrides = [\"*.plist\"]\n");
    return sb.toString();
  }

  private static void line(StringBuilder sb, String key, String def, String help, Map<String, Object> given) {
    sb.append("# ").append(help).append('\n');
    Object v = given.get(key);
    if (v != null && !v.toString().isEmpty()) {
      sb.append(key).append(" = ").append(toml(v)).append('\n');
    } else {
      sb.append("# ").append(key).append(" = ").append(def).append('\n');
    }
  }

  private static String toml(Object v) {
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    if (v instanceof List<?> l) {
      return "[" + String.join(", ", l.stream().map(InitOperation::toml).toList()) + "]";
    }
    return "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** The keys whose values init writes: the store chosen on the command line and where it lives. */
  static Map<String, Object> chosen(Map<String, Object> cli) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : cli.entrySet()) {
      if (!e.getKey().equals("checksum") || Boolean.TRUE.equals(e.getValue())) {
        m.put(e.getKey(), e.getValue());
      }
    }
    return m;
  }

  /**
   * Runs init in {@code dir}; returns what was done (or, with {@code dryRun}, what would be), one
   * line each.
   */
  public static List<String> run(Path dir, Map<String, Object> cli, boolean hooks, boolean dryRun)
      throws PantriException {
    List<String> out = new ArrayList<>();
    String would = dryRun ? "would " : "";
    try {
      Path abs = dir.toAbsolutePath().normalize();
      Git.Result top = Files.isDirectory(abs) ? new Git(abs).run("rev-parse", "--show-toplevel") : null;
      Path root;
      if (top == null || top.exitCode() != 0) {
        out.add(would + (dryRun ? "create" : "created") + " a git repository in " + abs);
        if (dryRun) {
          root = abs;
        } else {
          Files.createDirectories(abs);
          new Git(abs).check("init", "-q");
          root = abs.toRealPath();
        }
      } else {
        root = Path.of(top.out()).toRealPath();
        if (!root.equals(abs.toRealPath())) {
          out.add("note: " + abs + " is inside the git repository " + root + "; setting up " + root);
        }
      }
      Path shelves = root.resolve(Repository.SHELVES);
      if (!Files.isDirectory(shelves)) {
        out.add(would + (dryRun ? "create" : "created") + " " + Repository.SHELVES + "/ (put one directory per shelf in it)");
        if (!dryRun) {
          Files.createDirectories(shelves);
        }
      }
      Path toml = root.resolve(Config.FILE_NAME);
      Map<String, Object> given = chosen(cli);
      if (!Files.exists(toml)) {
        out.add(would + (dryRun ? "write " : "wrote ") + Config.FILE_NAME + " (every key with its default, commented out"
            + (given.isEmpty() ? "" : "; set: " + String.join(", ", given.keySet())) + ")");
        if (!dryRun) {
          Files.writeString(toml, template(given), StandardCharsets.UTF_8);
        }
      } else {
        String text = Files.readString(toml, StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (String[] k : CORE) {
          if (!text.matches("(?s).*(^|\\n)\\s*#?\\s*" + java.util.regex.Pattern.quote(k[0]) + "\\s*=.*")) {
            missing.add(k[0]);
          }
        }
        out.add(Config.FILE_NAME + " exists; left unchanged" + (missing.isEmpty() ? ""
            : " (keys it does not mention, with their defaults: "
                + String.join(", ", missing.stream().map(m -> m + " = " + defaultOf(m)).toList())
                + "; 'pantri init' in an empty directory shows the full commented file)"));
        if (!given.isEmpty()) {
          out.add("note: the store options on the command line were not written to the existing " + Config.FILE_NAME
              + "; edit it by hand");
        }
      }
      Path gi = root.resolve(".gitignore");
      List<String> have = Files.exists(gi) ? Files.readAllLines(gi, StandardCharsets.UTF_8) : List.of();
      List<String> add = IGNORE_LINES.stream().filter(l -> !have.contains(l)).toList();
      if (!add.isEmpty()) {
        out.add(would + (dryRun ? "add" : "added") + " to .gitignore: " + String.join(" ", add));
        if (!dryRun) {
          Repository r = Repository.find(root, root, root);
          r.ignoreRepoPaths(List.of(".pantri_auth_token", ".pantri_password"));
          if (!have.contains("/dest_sync/")) {
            byte[] old = Files.readAllBytes(gi);
            String sep = old.length > 0 && old[old.length - 1] != '\n' ? "\n" : "";
            Files.writeString(gi, sep + "/dest_sync/\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
          }
        }
      }
      if (hooks) {
        if (dryRun && !Files.isDirectory(root.resolve(".git"))) {
          out.add("would install the pantri pre-push hook");
        } else {
          out.addAll(Hooks.install(Repository.find(root, root, root), dryRun));
        }
      }
      if (out.stream().noneMatch(l -> l.startsWith(would.isEmpty() ? "created" : "would")
          || l.startsWith("wrote") || l.startsWith("added") || l.startsWith("installed") || l.startsWith("updated")
          || l.startsWith("kept"))) {
        out.add("nothing to do: " + root + " is set up");
      }
      return out;
    } catch (PantriException e) {
      throw e;
    } catch (IOException e) {
      throw new PantriException(Category.REPO, "init: " + e.getMessage(), e);
    }
  }

  static String defaultOf(String key) {
    for (String[] k : CORE) {
      if (k[0].equals(key)) {
        return k[1];
      }
    }
    return "";
  }
}

package org.pantri;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the house as drawn: {@code cli → core → repo/scan/plan/pitem → transfer → store}. Reads the
 * {@code import} lines and fully qualified names of src/main/java, so it needs no library.
 *
 * <ul>
 *   <li>each top-level package depends only on the packages {@link #ALLOWED} lists (store on nothing
 *       above it, plan on no store or transfer);
 *   <li>nothing outside {@code org.pantri.store.X} names the concrete store {@code org.pantri.store.X};
 *   <li>no cycles between packages.
 * </ul>
 */
class DependencyRulesTest {

  /** Which top-level packages each one may use (besides itself). */
  static final Map<String, Set<String>> ALLOWED = Map.of(
      "cli", Set.of("core", "repo", "scan", "plan", "pitem", "transfer", "store", "io"),
      "core", Set.of("repo", "scan", "plan", "pitem", "transfer", "store", "io"),
      "repo", Set.of("scan", "plan", "pitem", "transfer", "store", "io"),
      "scan", Set.of("repo", "plan", "pitem", "transfer", "store", "io"),
      "plan", Set.of("repo", "scan", "pitem"),
      "pitem", Set.of("io"),
      "transfer", Set.of("store", "io"),
      "store", Set.of("io"),
      // the one temp-file-and-rename helper: a leaf every layer may use, using none of them
      "io", Set.of());

  private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
  /** An import, or a fully qualified use in code: org.pantri.pkg[.sub].Type */
  private static final Pattern REFERENCE = Pattern.compile("\\borg\\.pantri((?:\\.[a-z][a-z0-9_]*)+)\\.[A-Z*]");

  /** Source text by file name → the violations, one line each. */
  static List<String> violations(Map<String, String> sources) {
    List<String> out = new ArrayList<>();
    Map<String, Set<String>> graph = new TreeMap<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      String src = stripComments(e.getValue());
      Matcher pm = PACKAGE.matcher(src);
      if (!pm.find()) {
        out.add(e.getKey() + ": no package line");
        continue;
      }
      String pkg = pm.group(1);
      if (!pkg.equals("org.pantri") && !pkg.startsWith("org.pantri.")) {
        continue;
      }
      String top = top(pkg);
      if (!ALLOWED.containsKey(top)) {
        out.add(e.getKey() + ": package " + pkg + " is not in the architecture; add it to the rules");
        continue;
      }
      Matcher m = REFERENCE.matcher(src);
      while (m.find()) {
        String target = "org.pantri" + m.group(1);
        if (target.equals(pkg)) {
          continue;
        }
        graph.computeIfAbsent(pkg, k -> new TreeSet<>()).add(target);
        String targetTop = top(target);
        if (!targetTop.equals(top) && !ALLOWED.getOrDefault(top, Set.of()).contains(targetTop)) {
          out.add(e.getKey() + ": " + top + " must not use " + targetTop + " (" + target + ")");
        }
        if (target.startsWith("org.pantri.store.") && !pkg.equals(target) && !pkg.startsWith(target + ".")) {
          out.add(e.getKey() + ": names the concrete store " + target + "; use ObjectStores/ObjectStoreProvider");
        }
      }
    }
    for (List<String> cycle : cycles(graph)) {
      out.add("package cycle: " + String.join(" -> ", cycle));
    }
    return out;
  }

  /** "org.pantri.store.swift" → "store"; "org.pantri" → "". */
  static String top(String pkg) {
    String rest = pkg.equals("org.pantri") ? "" : pkg.substring("org.pantri.".length());
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  private static String stripComments(String s) {
    // block comments, line comments, then string literals (a message may name a package)
    return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ").replaceAll("\"(?:\\\\.|[^\"\\\\\n])*\"", "\"\"");
  }

  /** Every cycle found by depth-first search (each reported once, from its first node). */
  static List<List<String>> cycles(Map<String, Set<String>> graph) {
    List<List<String>> found = new ArrayList<>();
    Set<String> done = new TreeSet<>();
    for (String start : graph.keySet()) {
      dfs(start, graph, new ArrayList<>(), done, found);
    }
    return found;
  }

  private static void dfs(String node, Map<String, Set<String>> graph, List<String> path, Set<String> done,
      List<List<String>> found) {
    int i = path.indexOf(node);
    if (i >= 0) {
      List<String> cycle = new ArrayList<>(path.subList(i, path.size()));
      cycle.add(node);
      found.add(cycle);
      return;
    }
    if (done.contains(node)) {
      return;
    }
    path.add(node);
    for (String next : graph.getOrDefault(node, Set.of())) {
      dfs(next, graph, path, done, found);
    }
    path.remove(path.size() - 1);
    done.add(node);
  }

  private static Map<String, String> mainSources() throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    try (Stream<Path> s = Files.walk(Path.of("src/main/java"))) {
      for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        m.put(p.toString(), Files.readString(p));
      }
    }
    return m;
  }

  @Test
  void theMainCodeKeepsTheRules() throws IOException {
    Map<String, String> src = mainSources();
    assertThat(src).hasSizeGreaterThan(50);
    assertThat(violations(src)).isEmpty();
  }

  // ---- the checker itself catches what it must ----

  private static Map<String, String> one(String pkg, String body) {
    return Map.of("X.java", "package " + pkg + ";\n" + body + "\nclass X {}\n");
  }

  @Test
  void storeImportingAboveItselfIsCaught() {
    assertThat(violations(one("org.pantri.store", "import org.pantri.transfer.Retrier;")))
        .singleElement().asString().contains("store must not use transfer");
    assertThat(violations(one("org.pantri.store.s3", "import org.pantri.core.Context;")))
        .singleElement().asString().contains("store must not use core");
  }

  @Test
  void planUsingStoreOrTransferIsCaught() {
    assertThat(violations(one("org.pantri.plan", "import org.pantri.store.ObjectInfo;"))).hasSize(1);
    assertThat(violations(one("org.pantri.plan", "class Y { org.pantri.transfer.Failure f; }"))).hasSize(1);
  }

  @Test
  void upwardUseIsCaught() {
    assertThat(violations(one("org.pantri.core", "import org.pantri.cli.Main;"))).hasSize(1);
    assertThat(violations(one("org.pantri.transfer", "import org.pantri.repo.Options;"))).hasSize(1);
  }

  @Test
  void namingAConcreteStoreAboveStoreIsCaught() {
    assertThat(violations(one("org.pantri.core", "import org.pantri.store.swift.SwiftAuth;")))
        .singleElement().asString().contains("names the concrete store org.pantri.store.swift");
    assertThat(violations(one("org.pantri.store", "import org.pantri.store.fs.FsStore;"))).hasSize(1);
    assertThat(violations(one("org.pantri.store.s3", "import org.pantri.store.swift.SwiftHttp;"))).hasSize(1);
    assertThat(violations(one("org.pantri.store.swift", "import org.pantri.store.swift.SwiftHttp;"))).isEmpty();
    assertThat(violations(one("org.pantri.store.swift", "import org.pantri.store.ObjectStore;"))).isEmpty();
  }

  @Test
  void commentsAndStringsDoNotCount() {
    assertThat(violations(one("org.pantri.store",
        "/** see org.pantri.core.Context */ class Y { String s = \"org.pantri.cli.Main\"; } // org.pantri.cli.X"))).isEmpty();
  }

  @Test
  void cyclesAreCaught() {
    Map<String, String> src = Map.of(
        "A.java", "package org.pantri.repo;\nimport org.pantri.scan.B;\nclass A {}",
        "B.java", "package org.pantri.scan;\nimport org.pantri.repo.A;\nclass B {}");
    assertThat(violations(src)).anyMatch(v -> v.startsWith("package cycle: "));
  }

  @Test
  void anUnknownPackageMustBeAddedToTheRules() {
    assertThat(violations(one("org.pantri.util", ""))).singleElement().asString().contains("not in the architecture");
  }
}

package org.pantri.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pantri.repo.Config;
import org.pantri.testsupport.Oracle;

/**
 * FnMatch against CPython's {@code fnmatch.fnmatchcase}, the function the original's
 * ignore_patterns went through: every expected answer comes from /usr/bin/python3, asked once
 * for the whole table.
 */
class FnMatchTest {
  // Lone surrogates must survive the trip to Python, so everything non-ASCII travels escaped.
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private static final String ORACLE = String.join("\n",
      "import sys, json, fnmatch",
      "out = []",
      "for pat, names in json.load(sys.stdin.buffer):",
      "    try:",
      "        out.append([fnmatch.fnmatchcase(n, pat) for n in names])",
      "    except Exception as e:",
      "        out.append('error: %r' % (e,))",
      "sys.stdout.write(json.dumps(out))");

  private static final List<String> PATTERNS = new ArrayList<>(List.of(
      "", "*", "**", "?", "??", "*?", "?*", "a*", "*a", "*a*", "a*b*c", "*.pkg", "*.tar.gz",
      "[abc]", "[abc]*", "[!abc]", "[!a-z]", "[a-z]", "[A-Z]*", "[0-9][0-9]", "[]]", "[!]]",
      "[]a]", "[!]a]", "[]-a]", "[a-]", "[-a]", "[!-a]", "[a-c-e]", "[a--]", "[--a]", "[z-a]",
      "[!z-a]", "[b-a!]", "[c-ab-a]", "[a-cx-z]", "[", "[a", "[!", "[!]", "a[", "[[]", "[]",
      "]", "[^a]", "[\\]", "[\\]a]", "\\", "\\*", "a\\b", "[a\\-z]", "[&&a]", "[a&&b]",
      "[~~]", "[||]", "[a|b]", "[[:alpha:]]", ".*", ".?*", "*.", "..", ".", "?.*",
      "é", "[é]", "[!é]", "[à-ÿ]", "日本*", "*😀", "[😀]", "?😀", "[!😀]", "[😀-😂]",
      "a\nb", "a?b", "a*\n", "*[", "*]", "*[*", "x[?]y", "x[*]y", "[*]", "[?]", "[!?]",
      "A*", "*PYC", "*.py[cod]", "??*.?", "*a*a*a*a*a*b"));

  private static final List<String> NAMES = List.of(
      "", "a", "b", "c", "z", "A", "Z", "ab", "abc", "aXbYc", "ac", "ba", "-", "!", "]", "[", "^",
      "\\", "&", "~", "|", "?", "*", ".", "..", ".hidden", "._foo", "._", ".__x", ".__",
      ".TemporaryItems", ".TemporaryItemsX", "._.TemporaryItems", "._.TemporaryItemsX",
      ".DS_Store", ".ds_store", "DS_Store", "x.pyc", ".pyc", "x.PYC", "x.pyc.bak", "pyc",
      "tool.pkg", "tool.pkg.pitem", "a.tar.gz", "12", "1", "é", "e\u0301", "日本語", "日本",
      "😀", "a😀", "x😀", "😁", "😂", "\ud83d", "a\nb", "a\n", "\n", "a b", "aab",
      "aaaaaaaaaab", "aaaaaaaaaa", "xay", "x?y", "x*y", "ÿ", "à", "\u00a0");

  @Test
  void agreesWithPythonFnmatchcaseOnTheTable() throws Exception {
    List<String> patterns = new ArrayList<>(PATTERNS);
    patterns.addAll(Config.DEFAULT_IGNORES);
    List<Case> cases = new ArrayList<>();
    for (String p : patterns) {
      cases.add(new Case(p, NAMES));
    }
    assertAgree(cases);
  }

  /**
   * Random globs over an alphabet of the metacharacters, with names that mostly instantiate them
   * (so matches are as common as misses).
   */
  @Test
  void agreesWithPythonFnmatchcaseOnRandomGlobs() throws Exception {
    Random r = new Random(20240611);
    String[] alphabet = {"a", "b", "c", "-", "!", "]", "[", "^", "\\", "*", "?", ".", "é", "😀", "z"};
    String[] nameAlphabet = {"a", "b", "c", "-", "!", "]", "[", "^", "\\", ".", "é", "😀", "z", "x"};
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      StringBuilder p = new StringBuilder();
      int len = 1 + r.nextInt(8);
      for (int k = 0; k < len; k++) {
        p.append(alphabet[r.nextInt(alphabet.length)]);
      }
      String pat = p.toString();
      List<String> names = new ArrayList<>();
      for (int k = 0; k < 12; k++) {
        names.add(k % 3 == 0 ? random(r, nameAlphabet, r.nextInt(7)) : instantiate(r, pat, nameAlphabet));
      }
      cases.add(new Case(pat, names));
    }
    assertAgree(cases);
  }

  private static String random(Random r, String[] alphabet, int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < len; i++) {
      sb.append(alphabet[r.nextInt(alphabet.length)]);
    }
    return sb.toString();
  }

  /** A name the glob probably matches: stars and ? become random text, the rest stays. */
  private static String instantiate(Random r, String pat, String[] alphabet) {
    StringBuilder sb = new StringBuilder();
    pat.codePoints().forEach(c -> {
      if (c == '*') {
        sb.append(random(r, alphabet, r.nextInt(3)));
      } else if (c == '?' || (c == '[' && r.nextBoolean())) {
        sb.append(alphabet[r.nextInt(alphabet.length)]);
      } else {
        sb.appendCodePoint(c);
      }
    });
    return sb.toString();
  }

  private record Case(String pattern, List<String> names) {}

  private static void assertAgree(List<Case> cases) throws Exception {
    List<List<Object>> input = new ArrayList<>();
    for (Case c : cases) {
      input.add(List.of(c.pattern(), c.names()));
    }
    JsonNode expected = JSON.readTree(Oracle.python(ORACLE, JSON.writeValueAsBytes(input)));
    assertThat(expected.size()).isEqualTo(cases.size());
    List<String> disagreements = new ArrayList<>();
    int compared = 0;
    int matched = 0;
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      JsonNode row = expected.get(i);
      // Python cannot compile every glob (none expected); such a pattern is reported, not skipped.
      if (row.isTextual()) {
        disagreements.add(show(c.pattern()) + ": python " + row.textValue());
        continue;
      }
      FnMatch m = FnMatch.compile(c.pattern());
      for (int k = 0; k < c.names().size(); k++) {
        boolean want = row.get(k).booleanValue();
        boolean got = m.matches(c.names().get(k));
        compared++;
        matched += want ? 1 : 0;
        if (got != want) {
          disagreements.add("fnmatchcase(" + show(c.names().get(k)) + ", " + show(c.pattern()) + ") is "
              + want + ", FnMatch says " + got);
        }
      }
    }
    System.out.println("FnMatch: " + compared + " pattern/name pairs compared with python3, "
        + matched + " matches, " + disagreements.size() + " disagreements");
    if (!disagreements.isEmpty()) {
      fail(disagreements.size() + " disagreements with python3, the first 30:\n"
          + String.join("\n", disagreements.subList(0, Math.min(30, disagreements.size()))));
    }
    // A table where nearly everything matches or nothing does would prove little.
    assertThat(matched).isBetween(compared / 20, compared - compared / 20);
  }

  private static String show(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (Exception e) {
      return s;
    }
  }
}

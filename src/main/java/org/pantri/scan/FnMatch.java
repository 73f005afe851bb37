package org.pantri.scan;

import java.util.ArrayList;
import java.util.List;

/**
 * Python {@code fnmatch.fnmatchcase} semantics for ignore_patterns / binary_overrides: the
 * original matched file names with fnmatch, so a pattern must select exactly the same names here.
 *
 * <p>Not translated to a {@link java.util.regex.Pattern}: Java's character classes give
 * {@code &&}, {@code [} and {@code \} meanings Python's do not. Instead the glob is compiled the
 * way CPython's {@code fnmatch.translate} reads it (including its quirks: an unclosed {@code [}
 * is a literal, {@code []]} and {@code [!]]} take the first {@code ]} as a member, a reversed
 * range like {@code [z-a]} is dropped, {@code \} is an ordinary character) into tokens that each
 * match one code point, and matched without backtracking blow-up. Names and patterns are
 * compared by code point, as Python's str is.
 */
final class FnMatch {
  private static final int STAR = 0;
  private static final int ANY = 1;
  private static final int LITERAL = 2;
  private static final int SET = 3;
  private static final int NEVER = 4;

  /**
   * One pattern element. For SET, {@code ranges} holds inclusive [lo, hi] pairs of code points.
   */
  private record Token(int kind, int codePoint, boolean negated, int[] ranges) {
    boolean matches(int c) {
      switch (kind) {
        case ANY:
          return true;
        case LITERAL:
          return c == codePoint;
        case SET:
          for (int i = 0; i < ranges.length; i += 2) {
            if (c >= ranges[i] && c <= ranges[i + 1]) {
              return !negated;
            }
          }
          return negated;
        default:
          return false;
      }
    }
  }

  private final String glob;
  private final Token[] tokens;

  private FnMatch(String glob, Token[] tokens) {
    this.glob = glob;
    this.tokens = tokens;
  }

  public static FnMatch compile(String glob) {
    int[] p = glob.codePoints().toArray();
    int n = p.length;
    List<Token> out = new ArrayList<>();
    int i = 0;
    while (i < n) {
      int c = p[i++];
      if (c == '*') {
        // Consecutive stars mean one star.
        if (out.isEmpty() || out.get(out.size() - 1).kind() != STAR) {
          out.add(new Token(STAR, 0, false, null));
        }
      } else if (c == '?') {
        out.add(new Token(ANY, 0, false, null));
      } else if (c == '[') {
        int j = i;
        if (j < n && p[j] == '!') {
          j++;
        }
        if (j < n && p[j] == ']') {
          j++;
        }
        while (j < n && p[j] != ']') {
          j++;
        }
        if (j >= n) {
          out.add(literal('['));
        } else {
          out.add(bracket(p, i, j));
          i = j + 1;
        }
      } else {
        out.add(literal(c));
      }
    }
    return new FnMatch(glob, out.toArray(new Token[0]));
  }

  private static Token literal(int c) {
    return new Token(LITERAL, c, false, null);
  }

  /** The set between p[from] (just after '[') and p[to] (the closing ']'). */
  private static Token bracket(int[] p, int from, int to) {
    List<List<Integer>> chunks = new ArrayList<>();
    if (indexOf(p, '-', from, to) < 0) {
      chunks.add(slice(p, from, to));
    } else {
      // Split at the hyphens that act as range operators: never the first member (after an
      // optional '!'), never one directly after a range's end.
      int start = from;
      int k = p[from] == '!' ? from + 2 : from + 1;
      while (true) {
        k = indexOf(p, '-', k, to);
        if (k < 0) {
          break;
        }
        chunks.add(slice(p, start, k));
        start = k + 1;
        k = k + 3;
      }
      List<Integer> last = slice(p, start, to);
      if (!last.isEmpty()) {
        chunks.add(last);
      } else {
        chunks.get(chunks.size() - 1).add((int) '-');
      }
      // A reversed range (e.g. z-a) is removed with both its ends, as Python does.
      for (int c = chunks.size() - 1; c > 0; c--) {
        List<Integer> prev = chunks.get(c - 1);
        List<Integer> cur = chunks.get(c);
        if (prev.get(prev.size() - 1) > cur.get(0)) {
          List<Integer> merged = new ArrayList<>(prev.subList(0, prev.size() - 1));
          merged.addAll(cur.subList(1, cur.size()));
          chunks.set(c - 1, merged);
          chunks.remove(c);
        }
      }
    }
    // The set's text is the chunks joined by range hyphens. RANGE marks such a hyphen; every
    // other member (a '-' inside a chunk included) is a literal.
    final int range = -1;
    List<Integer> items = new ArrayList<>();
    for (int c = 0; c < chunks.size(); c++) {
      if (c > 0) {
        items.add(range);
      }
      items.addAll(chunks.get(c));
    }
    if (items.isEmpty()) {
      return new Token(NEVER, 0, false, null);
    }
    if (items.size() == 1 && items.get(0) == '!') {
      return new Token(ANY, 0, false, null);
    }
    boolean negated = items.get(0) == '!';
    int pos = negated ? 1 : 0;
    List<Integer> ranges = new ArrayList<>();
    while (pos < items.size()) {
      int lo = items.get(pos) == range ? '-' : items.get(pos);
      pos++;
      if (pos + 1 < items.size() && items.get(pos) == range) {
        int hi = items.get(pos + 1) == range ? '-' : items.get(pos + 1);
        pos += 2;
        if (lo <= hi) {
          ranges.add(lo);
          ranges.add(hi);
        }
      } else {
        ranges.add(lo);
        ranges.add(lo);
      }
    }
    return new Token(SET, 0, negated, ranges.stream().mapToInt(Integer::intValue).toArray());
  }

  private static int indexOf(int[] p, int c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (p[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static List<Integer> slice(int[] p, int from, int to) {
    List<Integer> l = new ArrayList<>(Math.max(0, to - from));
    for (int i = from; i < to; i++) {
      l.add(p[i]);
    }
    return l;
  }

  public boolean matches(String name) {
    // walks the name by code point in place: an int[] of it per call was most of what a store
    // of 100,000 files allocated for its ignore patterns
    int n = name.length();
    int si = 0;
    int ti = 0;
    int starTi = -1;
    int starSi = 0;
    // Every token but STAR consumes exactly one code point, so retrying from the last star
    // (letting it absorb one more code point) finds a match whenever one exists.
    while (si < n) {
      int c = name.codePointAt(si);
      if (ti < tokens.length && tokens[ti].kind() == STAR) {
        starTi = ti++;
        starSi = si;
      } else if (ti < tokens.length && tokens[ti].matches(c)) {
        ti++;
        si += Character.charCount(c);
      } else if (starTi >= 0) {
        ti = starTi + 1;
        starSi += Character.charCount(name.codePointAt(starSi));
        si = starSi;
      } else {
        return false;
      }
    }
    while (ti < tokens.length && tokens[ti].kind() == STAR) {
      ti++;
    }
    return ti == tokens.length;
  }

  @Override
  public String toString() {
    return glob;
  }
}

package org.pantri.scan;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which names Pantri can carry through a pitem, a .gitignore line and a destination unchanged.
 * {@code store} refuses the others up front, so nothing is accepted there that {@code retrieve}
 * would refuse or write under another name.
 */
public final class NameRules {
  private NameRules() {}

  /** Longest file name most file systems allow, in bytes. */
  static final int NAME_MAX = 255;
  static final String PITEM_SUFFIX = ".pitem";

  /**
   * Why a binary at this shelves-relative path cannot be stored, or null when it can. Text files
   * are git's business and are not checked.
   */
  public static String refusal(String shelvesPath) {
    for (int i = 0; i < shelvesPath.length(); i++) {
      char c = shelvesPath.charAt(i);
      if (Character.isISOControl(c)) {
        return "name contains a control character (U+" + String.format("%04X", (int) c)
            + ", e.g. a newline or tab) that a pitem and a .gitignore line cannot hold; rename it";
      }
      if (c == '\\') {
        return "name contains a backslash, which pitems refuse (it is a path separator on Windows); rename it";
      }
      if (c == '\uFFFD') {
        return "name is not valid UTF-8 (or contains U+FFFD); pitems and git need UTF-8 names; rename it";
      }
    }
    String name = shelvesPath.substring(shelvesPath.lastIndexOf('/') + 1);
    int bytes = (name + PITEM_SUFFIX).getBytes(StandardCharsets.UTF_8).length;
    if (bytes > NAME_MAX) {
      return "name is too long: its pitem's name would have " + bytes + " bytes, more than the "
          + NAME_MAX + " a file name may have; shorten it to at most "
          + (NAME_MAX - PITEM_SUFFIX.length()) + " bytes";
    }
    return null;
  }

  /**
   * Paths among {@code paths} that collide with another one once Unicode-normalised (NFC): macOS
   * and git there treat "é" composed and decomposed as one file, so one would silently replace
   * the other. Maps each such path to a message naming its twin.
   */
  public static Map<String, String> normalizationTwins(Collection<String> paths) {
    // Distinct ASCII names are distinct NFC forms: with no other name there are no twins, and
    // no map of every name (200,000 entries in a large store) is needed to know it.
    boolean allAscii = true;
    for (String p : paths) {
      if (!ascii(p)) {
        allAscii = false;
        break;
      }
    }
    if (allAscii && paths instanceof java.util.Set) {
      return Map.of();
    }
    // one map entry per name; a list only where two names share a normalized form (almost never)
    Map<String, String> firstByNfc = new HashMap<>();
    Map<String, List<String>> byNfc = new HashMap<>();
    for (String p : paths) {
      String nfc = ascii(p) ? p : Normalizer.normalize(p, Normalizer.Form.NFC);
      String first = firstByNfc.putIfAbsent(nfc, p);
      if (first != null) {
        byNfc.computeIfAbsent(nfc, k -> new ArrayList<>(List.of(first))).add(p);
      }
    }
    Map<String, String> out = new HashMap<>();
    for (List<String> group : byNfc.values()) {
      if (group.size() < 2) {
        continue;
      }
      for (String p : group) {
        String other = group.get(group.get(0).equals(p) ? 1 : 0);
        out.put(p, "name differs from '" + escape(other) + "' only in Unicode normalization (NFC/NFD);"
            + " macOS and git on macOS see one file; rename one of them");
      }
    }
    return out;
  }

  /** ASCII is its own NFC form: most names need no trip through the normalizer. */
  private static boolean ascii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /** A name safe to print: control characters and non-ASCII shown as escapes. */
  public static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\uFFFD') {
        sb.append(String.format("\\u%04x", (int) c));
      } else if (c >= 0x80 && !Character.isLetterOrDigit(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}

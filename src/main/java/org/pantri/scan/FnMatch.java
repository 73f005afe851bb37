package org.pantri.scan;

import java.util.regex.Pattern;

/** Python {@code fnmatch.fnmatchcase} semantics for ignore_patterns / binary_overrides. (Placeholder.) */
public final class FnMatch {
  private final Pattern regex;

  private FnMatch(Pattern regex) {
    this.regex = regex;
  }

  public static FnMatch compile(String glob) {
    StringBuilder sb = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> sb.append(".*");
        case '?' -> sb.append('.');
        default -> sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new FnMatch(Pattern.compile(sb.toString(), Pattern.DOTALL));
  }

  public boolean matches(String name) {
    return regex.matcher(name).matches();
  }
}

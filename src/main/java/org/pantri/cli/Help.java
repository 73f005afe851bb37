package org.pantri.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * Help text every command shares: where configuration comes from and the environment variables
 * read. Appended to each subcommand's footer (after its own examples) by {@link #decorate}, and
 * written once as the man page's FILES and ENVIRONMENT sections by {@link ManPage}.
 */
final class Help {
  private Help() {}

  static final String[] CONFIGURATION = {
      "pantri.toml at the repository root (committed, no secrets) holds [default] and per-shelf"
          + " [shelves.NAME] tables; options merge command line > shelf table > [default] > built-in"
          + " default. ~/.config/pantri/config.toml ([trust]) lists the endpoints and destinations this"
          + " host trusts a committed pantri.toml to name."};

  static final String[] ENVIRONMENT = {
      "ST_AUTH, ST_USER, ST_KEY: Swift v1 auth URL and credentials (like the swift CLI).",
      "OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME, OS_PROJECT_ID, OS_USER_DOMAIN_NAME,"
          + " OS_PROJECT_DOMAIN_NAME, OS_REGION_NAME, OS_INTERFACE: Keystone v3;"
          + " OS_AUTH_TOKEN with OS_STORAGE_URL: a pre-issued Swift token.",
      "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE, AWS_REGION"
          + " (AWS_DEFAULT_REGION): S3 credentials and region.",
      "PANTRI_TRUST_ENDPOINTS, PANTRI_TRUST_DESTINATIONS: like [trust] in ~/.config/pantri/config.toml.",
      "PANTRI_JAVA_OPTS: extra JVM options for the launcher."};

  /** Appends the shared configuration and environment text to every subcommand's help footer. */
  static CommandLine decorate(CommandLine root) {
    for (CommandLine sub : root.getSubcommands().values()) {
      CommandLine.Model.UsageMessageSpec u = sub.getCommandSpec().usageMessage();
      if (u.hidden() || sub.getCommand() instanceof CommandLine.HelpCommand
          || sub.getCommand() instanceof CompletionCommand) {
        continue;
      }
      List<String> f = new ArrayList<>(Arrays.asList(u.footer()));
      f.add("");
      f.add("Configuration:");
      for (String s : CONFIGURATION) {
        f.addAll(wrap(s, "  ", "  "));
      }
      f.add("");
      f.add("Environment:");
      for (String s : ENVIRONMENT) {
        f.addAll(wrap(s, "  ", "      "));
      }
      f.add("");
      f.add("See also: pantri help, man pantri.");
      u.footer(f.toArray(new String[0]));
    }
    return root;
  }

  /** Help width: picocli's default, so a line never wraps again without its indentation. */
  static final int WIDTH = 79;

  /** Words of {@code text} in lines of at most {@link #WIDTH} characters, with a hanging indent. */
  static List<String> wrap(String text, String first, String rest) {
    List<String> out = new ArrayList<>();
    StringBuilder line = new StringBuilder(first);
    for (String w : text.split(" ")) {
      if (line.length() > first.length() && line.length() + 1 + w.length() > WIDTH) {
        out.add(line.toString());
        line = new StringBuilder(rest);
      } else if (line.length() > (out.isEmpty() ? first : rest).length()) {
        line.append(' ');
      }
      line.append(w);
    }
    out.add(line.toString());
    return out;
  }
}

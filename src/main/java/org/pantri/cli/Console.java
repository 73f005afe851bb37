package org.pantri.cli;

import java.io.PrintStream;
import org.pantri.core.Context;
import org.pantri.store.CredentialPrompt;

/** Where commands write: status lines on stderr, requested output on stdout, prompts on the TTY. */
final class Console implements Context.Reporter, CredentialPrompt {
  private final PrintStream err;
  private final boolean quiet;
  private final Progress progress;

  Console(PrintStream err, boolean quiet, Progress progress) {
    this.err = err;
    this.quiet = quiet;
    this.progress = progress;
  }

  @Override
  public void info(String line) {
    Log.get().info(line);
  }

  @Override
  public void warn(String line) {
    Log.get().warn(line);
  }

  @Override
  public String ask(String question, String defaultAnswer) {
    java.io.Console c = System.console();
    if (c == null) {
      return null;
    }
    Main.prompting = true;
    try {
      String a = c.readLine("%s [%s]: ", question, defaultAnswer == null ? "" : defaultAnswer);
      return a == null || a.isBlank() ? defaultAnswer : a.trim();
    } finally {
      Main.prompting = false;
    }
  }

  @Override
  public char[] askSecret(String question) {
    java.io.Console c = System.console();
    if (c == null) {
      return null;
    }
    Main.prompting = true;
    try {
      return c.readPassword("%s: ", question);
    } finally {
      Main.prompting = false;
    }
  }
}

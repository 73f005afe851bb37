package org.pantri.core;

import java.nio.file.Path;
import java.util.Map;
import org.pantri.store.CredentialPrompt;
import org.pantri.transfer.Cancellation;
import org.pantri.transfer.ProgressListener;

/**
 * What an operation needs from its surroundings, injectable for tests.
 *
 * @param cliOptions options the user gave on the command line (highest precedence), by config key
 * @param usePasswordFile authenticate from the password file, never prompt
 * @param dataDir where the zero-configuration local store lives
 */
public record Context(
    Map<String, Object> cliOptions,
    boolean usePasswordFile,
    CredentialPrompt prompt,
    Map<String, String> env,
    Path dataDir,
    ProgressListener progress,
    Cancellation cancel,
    Reporter reporter) {

  /** Where operations say what they do, one line at a time (the CLI prints or logs these). */
  public interface Reporter {
    void info(String line);

    void warn(String line);
  }

  public static org.pantri.store.CredentialPrompt noPrompt() {
    return org.pantri.store.CredentialPrompt.NONE;
  }

  /** The default place for the zero-configuration store: $XDG_DATA_HOME/pantri/objects. */
  public static Path defaultDataDir(Map<String, String> env) {
    String xdg = env.get("XDG_DATA_HOME");
    Path base = xdg != null && !xdg.isBlank()
        ? Path.of(xdg) : homeDir(env).resolve(".local").resolve("share");
    return base.resolve("pantri").resolve("objects");
  }

  /**
   * The user's home: $HOME as git and the original tool use it, else the JVM's idea (which comes
   * from the password database and ignores $HOME).
   */
  public static Path homeDir(Map<String, String> env) {
    String h = env.get("HOME");
    return h != null && !h.isBlank() ? Path.of(h) : Path.of(System.getProperty("user.home"));
  }
}

package org.pantri.store;

import java.util.Objects;

/**
 * One configuration key a store reads from {@link StoreSettings#option}: declared by its
 * {@link ObjectStoreProvider} so that {@code pantri.toml} knows the key (no "unknown option"
 * warning), the config reference can list it, and a value can be checked against its type.
 *
 * @param name the key in {@code pantri.toml}, e.g. {@code swift_timeout}
 * @param type how the value is read
 * @param defaultValue the value used when the key is absent, as written in the config; null when
 *     the default depends on other settings (then {@code help} says how)
 * @param help one line for the config reference
 */
public record OptionSpec(String name, Type type, String defaultValue, String help) {

  /** How a value is read. */
  public enum Type {
    STRING,
    /** A whole number. */
    INT,
    /** true / false. */
    BOOL,
    /** A whole number of seconds. */
    SECONDS
  }

  public OptionSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(help, "help");
  }

  public static OptionSpec of(String name, Type type, String defaultValue, String help) {
    return new OptionSpec(name, type, defaultValue, help);
  }
}

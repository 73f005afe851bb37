package org.pantri.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options of the original tool and ours that every command accepts, before or after the
 * subcommand name. Only options the user gave end up in {@link #asConfig()}.
 */
final class GlobalOptions {
  @Option(names = {"--object_store", "--object-store"}, paramLabel = "NAME", scope = ScopeType.INHERIT,
      description = "Object store: fs, swift or s3 (or a plug-in's name).")
  String objectStore;

  @Option(names = {"--storage_url", "--storage-url"}, paramLabel = "URL", scope = ScopeType.INHERIT,
      description = "Where objects live: a directory or file: URL (fs), the Swift storage URL, the S3 endpoint.")
  String storageUrl;

  @Option(names = {"--auth_url", "--auth-url"}, paramLabel = "URL", scope = ScopeType.INHERIT,
      description = "Swift v1 auth URL.")
  String authUrl;

  @Option(names = {"--object_store_container", "--object-store-container"}, paramLabel = "NAME",
      scope = ScopeType.INHERIT, description = "Container (Swift) or bucket (S3).")
  String container;

  @Option(names = {"--ignore_patterns", "--ignore-patterns"}, arity = "1..*", paramLabel = "GLOB",
      scope = ScopeType.INHERIT, description = "File-name globs never stored (replace the configured list).")
  List<String> ignorePatterns;

  @Option(names = {"--binary_overrides", "--binary-overrides"}, arity = "1..*", paramLabel = "GLOB",
      scope = ScopeType.INHERIT, description = "File-name globs stored even when they are text.")
  List<String> binaryOverrides;

  @Option(names = {"-cs", "--checksum"}, scope = ScopeType.INHERIT,
      description = "Compare by SHA-256 instead of size + mtime (store: re-hash every file).")
  Boolean checksum;

  @Option(names = {"-p", "--password_file", "--password-file"}, scope = ScopeType.INHERIT,
      description = "Authenticate from .pantri_password; never prompt.")
  boolean passwordFile;

  @Option(names = "--layout", paramLabel = "content|path", scope = ScopeType.INHERIT,
      description = "Object names: by SHA-256 (content, default) or by path under shelves/ like the original.")
  String layout;

  @Option(names = {"--segment_size", "--segment-size"}, paramLabel = "BYTES", scope = ScopeType.INHERIT,
      description = "Files larger than this are uploaded in parts (default: Swift 4 GiB, S3 64 MiB).")
  Long segmentSize;

  @Option(names = {"-J", "--jobs"}, paramLabel = "N", scope = ScopeType.INHERIT,
      description = "Transfers at once (default 8).")
  Integer jobs;

  @Option(names = "--retries", paramLabel = "N", scope = ScopeType.INHERIT,
      description = "Retries of a failed transfer (default 5).")
  Integer retries;

  @Option(names = {"--repo", "--itbin_path"}, paramLabel = "DIR", scope = ScopeType.INHERIT,
      description = "The package repository (default: the git repository around the current directory).")
  Path repo;

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Log every step (debug level).")
  boolean verbose;

  @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
      description = "Print only warnings, errors and requested output.")
  boolean quiet;

  @Option(names = {"--log-level", "--log_level"}, paramLabel = "LEVEL", scope = ScopeType.INHERIT,
      description = "Console level: error, warn, info (default), debug, trace. Overrides -q and -v.")
  String logLevel;

  @Option(names = {"--log-file", "--log_file"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
      description = "Also append timestamped lines to FILE, at info level or more (whatever the console shows).")
  Path logFile;

  /** Options a subcommand sets on top of the global ones (e.g. retrieve -d). */
  final Map<String, Object> extra = new LinkedHashMap<>();

  /** A command's -d DEST: overrides every shelf's destination, like any CLI option overrides the config. */
  void destination(Path dest) {
    if (dest != null) {
      extra.put("dest_sync", dest.toAbsolutePath().normalize().toString());
    }
  }

  /** The options given on the command line, by config key, for CLI > shelf > default merging. */
  Map<String, Object> asConfig() {
    Map<String, Object> m = new LinkedHashMap<>(extra);
    put(m, "object_store", objectStore);
    put(m, "storage_url", storageUrl);
    put(m, "auth_url", authUrl);
    put(m, "object_store_container", container);
    put(m, "ignore_patterns", ignorePatterns);
    put(m, "binary_overrides", binaryOverrides);
    put(m, "checksum", checksum);
    put(m, "layout", layout);
    put(m, "segment_size", segmentSize);
    put(m, "jobs", jobs);
    put(m, "retries", retries);
    return m;
  }

  private static void put(Map<String, Object> m, String k, Object v) {
    if (v != null) {
      m.put(k, v);
    }
  }
}

package org.pantri.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one place lines leave the process for people: the console (stderr) and an optional log
 * file. On a terminal lines are plain and share the screen with the live progress line; off a
 * terminal (cron, CI, a pipe) every line starts with an ISO-8601 local timestamp with its offset.
 * The log file is always timestamped, appended to, and keeps at least info level whatever the
 * console shows. SLF4J loggers of every package end up here too ({@link Slf4jProvider}).
 */
final class Log {
  /** Levels as rclone / systemd users know them; a lower ordinal is more severe. */
  enum Level {
    ERROR, WARN, INFO, DEBUG, TRACE;

    static Level parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--log-level must be one of error, warn, info, debug, trace, not '" + s + "'");
      }
    }
  }

  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx", Locale.ROOT);
  // a last line of defence: whatever a message quotes, no user:password@ and no query string leaves
  private static final Pattern USERINFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/\\s@]+@");
  private static final Pattern QUERY = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^\\s?#\"']+)\\?[^\\s\"']+");
  private static final Pattern TOKEN_HEADER = Pattern.compile("(?i)(x-auth-token|x-storage-token|authorization)([\"']?\\s*[:=]\\s*[\"']?)[^\\s\"',}]+");

  private static volatile Log current = new Log(Level.WARN, System.err, false, null, null);

  private final Level consoleLevel;
  private final Level fileLevel;
  private final PrintStream console;
  private final boolean timestamps;
  private final Writer file;
  private final Path filePath;
  private volatile Progress progress;

  private Log(Level consoleLevel, PrintStream console, boolean timestamps, Writer file, Path filePath) {
    this.consoleLevel = consoleLevel;
    this.fileLevel = consoleLevel.compareTo(Level.INFO) > 0 ? consoleLevel : Level.INFO;
    this.console = console;
    this.timestamps = timestamps;
    this.file = file;
    this.filePath = filePath;
  }

  static Log get() {
    return current;
  }

  /** Sets up the run's log: console level, timestamps off a terminal, and the optional file. */
  static Log configure(Level consoleLevel, boolean tty, Path logFile) throws IOException {
    Writer w = null;
    if (logFile != null) {
      Path abs = logFile.toAbsolutePath();
      if (abs.getParent() != null) {
        Files.createDirectories(abs.getParent());
      }
      w = Files.newBufferedWriter(abs, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }
    Log old = current;
    current = new Log(consoleLevel, System.err, !tty, w, logFile);
    old.closeFile();
    return current;
  }

  void attach(Progress p) {
    this.progress = p;
  }

  Level consoleLevel() {
    return consoleLevel;
  }

  boolean enabled(Level l) {
    return l.compareTo(consoleLevel) <= 0 || (file != null && l.compareTo(fileLevel) <= 0);
  }

  void error(String msg) {
    log(Level.ERROR, msg);
  }

  void warn(String msg) {
    log(Level.WARN, msg);
  }

  void info(String msg) {
    log(Level.INFO, msg);
  }

  void debug(String msg) {
    log(Level.DEBUG, msg);
  }

  /** One message (may span lines); redacted, then written where its level is shown. */
  void log(Level level, String msg) {
    log(level, msg, true);
  }

  /** Like {@link #log(Level, String)}; {@code prefixed}: whether the console line names the level. */
  void log(Level level, String msg, boolean prefixed) {
    if (!enabled(level)) {
      return;
    }
    String text = redact(msg);
    String ts = OffsetDateTime.now().format(TS);
    if (level.compareTo(consoleLevel) <= 0) {
      String prefix = !prefixed ? "" : switch (level) {
        case ERROR -> text.startsWith("pantri:") || text.startsWith("error:") || text.startsWith("failed:") ? "" : "error: ";
        case WARN -> text.startsWith("warning:") ? "" : "warning: ";
        case DEBUG, TRACE -> "debug: ";
        default -> "";
      };
      StringBuilder sb = new StringBuilder();
      for (String line : text.split("\n", -1)) {
        if (sb.length() > 0) {
          sb.append('\n');
        }
        sb.append(timestamps ? ts + " " : "").append(prefix).append(line);
      }
      Progress p = progress;
      if (p != null) {
        p.println(console, sb.toString());
      } else {
        synchronized (console) {
          console.println(sb);
        }
      }
    }
    if (file != null && level.compareTo(fileLevel) <= 0) {
      synchronized (file) {
        try {
          for (String line : text.split("\n", -1)) {
            file.write(ts + " " + String.format(Locale.ROOT, "%-5s", level) + " " + line + "\n");
          }
          file.flush();
        } catch (IOException e) {
          // a full disk under the log must not stop the transfer; say it once on the console
          console.println("warning: cannot write the log file " + filePath + ": " + e.getMessage());
        }
      }
    }
  }

  static String redact(String s) {
    if (s == null) {
      return "null";
    }
    String r = USERINFO.matcher(s).replaceAll("$1<redacted>@");
    r = QUERY.matcher(r).replaceAll("$1?<redacted>");
    return TOKEN_HEADER.matcher(r).replaceAll("$1$2<redacted>");
  }

  void closeFile() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException ignored) {
        // nothing more to say where
      }
    }
  }
}

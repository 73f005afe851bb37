package org.pantri.cli;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Routes every SLF4J logger (ours and the libraries') into {@link Log}, so that one level, one
 * format, one log file and one redaction apply to all output. Third-party libraries are held to
 * warnings unless the level is trace.
 */
public final class Slf4jProvider implements SLF4JServiceProvider {
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();
  private final ILoggerFactory factory = PantriLogger::new;

  @Override
  public ILoggerFactory getLoggerFactory() {
    return factory;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {}

  private static final class PantriLogger extends AbstractLogger {
    private final boolean ours;

    PantriLogger(String name) {
      this.name = name;
      this.ours = name.startsWith("org.pantri");
    }

    private boolean on(Log.Level l) {
      Log log = Log.get();
      if (!ours && l.compareTo(Log.Level.WARN) > 0 && log.consoleLevel() != Log.Level.TRACE) {
        return false;
      }
      return log.enabled(l);
    }

    @Override
    public boolean isTraceEnabled() {
      return on(Log.Level.TRACE);
    }

    @Override
    public boolean isTraceEnabled(Marker marker) {
      return isTraceEnabled();
    }

    @Override
    public boolean isDebugEnabled() {
      return on(Log.Level.DEBUG);
    }

    @Override
    public boolean isDebugEnabled(Marker marker) {
      return isDebugEnabled();
    }

    @Override
    public boolean isInfoEnabled() {
      return on(Log.Level.INFO);
    }

    @Override
    public boolean isInfoEnabled(Marker marker) {
      return isInfoEnabled();
    }

    @Override
    public boolean isWarnEnabled() {
      return on(Log.Level.WARN);
    }

    @Override
    public boolean isWarnEnabled(Marker marker) {
      return isWarnEnabled();
    }

    @Override
    public boolean isErrorEnabled() {
      return on(Log.Level.ERROR);
    }

    @Override
    public boolean isErrorEnabled(Marker marker) {
      return isErrorEnabled();
    }

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
        Throwable t) {
      Log.Level l = switch (level) {
        case ERROR -> Log.Level.ERROR;
        case WARN -> Log.Level.WARN;
        case INFO -> Log.Level.INFO;
        case DEBUG -> Log.Level.DEBUG;
        default -> Log.Level.TRACE;
      };
      if (!on(l)) {
        return;
      }
      String msg = MessageFormatter.basicArrayFormat(pattern, args);
      if (!ours || l.compareTo(Log.Level.DEBUG) >= 0) {
        msg = name.substring(name.lastIndexOf('.') + 1) + ": " + msg;
      }
      if (t != null && Log.get().enabled(Log.Level.DEBUG)) {
        java.io.StringWriter sw = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(sw));
        msg += "\n" + sw.toString().stripTrailing();
      } else if (t != null) {
        msg += " (" + t + ")";
      }
      Log.get().log(l, msg);
    }
  }
}

package org.pantri.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs several pantri command lines in one JVM, for the training run that records the release's
 * start-up cache (scripts/package.sh): {@code java -XX:AOTCacheOutput=F -cp pantri.jar
 * org.pantri.cli.Training store -q ";;" retrieve -q --no-pull}. A JVM records one cache, so the
 * classes and profiles of both commands must come from one run. Exits non-zero when one fails.
 */
public final class Training {
  private Training() {}

  public static void main(String[] args) {
    List<String> one = new ArrayList<>();
    for (int i = 0; i <= args.length; i++) {
      if (i == args.length || args[i].equals(";;")) {
        int code = Main.commandLine().execute(one.toArray(new String[0]));
        if (code != 0) {
          System.err.println("training: pantri " + String.join(" ", one) + " exited " + code);
          System.exit(code);
        }
        one.clear();
      } else {
        one.add(args[i]);
      }
    }
  }
}

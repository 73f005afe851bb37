package org.pantri.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Every command and every option alias parses to the value it names; bad input is exit 2. */
class CommandLineParseTest {

  private static CommandLine cl() {
    CommandLine cl = Main.commandLine();
    StringWriter sink = new StringWriter();
    cl.setErr(new PrintWriter(sink));
    cl.setOut(new PrintWriter(sink));
    return cl;
  }

  /** Parses and returns the root command (whose {@code global} holds the inherited options). */
  private static Main root(CommandLine cl, String... args) {
    cl.parseArgs(args);
    return cl.getCommand();
  }

  private static <T> T sub(CommandLine cl, String name, String... args) {
    cl.parseArgs(args);
    return cl.getSubcommands().get(name).getCommand();
  }

  @Test
  void globalOptionsEveryAliasBeforeTheCommand() {
    for (String[] names : new String[][] {
        {"--object_store", "--object-store"}, {"--storage_url", "--storage-url"},
        {"--auth_url", "--auth-url"}, {"--object_store_container", "--object-store-container"},
        {"--layout"}}) {
      for (String n : names) {
        GlobalOptions g = root(cl(), n, "v1", "store").global;
        String got = switch (names[0]) {
          case "--object_store" -> g.objectStore;
          case "--storage_url" -> g.storageUrl;
          case "--auth_url" -> g.authUrl;
          case "--object_store_container" -> g.container;
          default -> g.layout;
        };
        assertThat(got).as(n).isEqualTo("v1");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"store", "retrieve", "auth", "init", "ls", "gc", "install-hooks", "push-check"})
  void globalOptionsAfterEverySubcommand(String cmd) {
    CommandLine c = cl();
    GlobalOptions g = root(c, cmd, "--object-store", "swift", "--storage_url", "u", "--auth-url", "a",
        "--object_store_container", "c", "--ignore_patterns", "*.tmp", "x*", "--binary-overrides", "*.plist",
        "-cs", "-p", "--layout", "path", "--segment-size", "1024", "-J", "3", "--retries", "2",
        "--itbin_path", "/r", "-v", "-q").global;
    assertThat(g.objectStore).isEqualTo("swift");
    assertThat(g.storageUrl).isEqualTo("u");
    assertThat(g.authUrl).isEqualTo("a");
    assertThat(g.container).isEqualTo("c");
    assertThat(g.ignorePatterns).containsExactly("*.tmp", "x*");
    assertThat(g.binaryOverrides).containsExactly("*.plist");
    assertThat(g.checksum).isTrue();
    assertThat(g.passwordFile).isTrue();
    assertThat(g.layout).isEqualTo("path");
    assertThat(g.segmentSize).isEqualTo(1024L);
    assertThat(g.jobs).isEqualTo(3);
    assertThat(g.retries).isEqualTo(2);
    assertThat(g.repo).isEqualTo(Path.of("/r"));
    assertThat(g.verbose).isTrue();
    assertThat(g.quiet).isTrue();
    assertThat(g.asConfig()).containsEntry("object_store", "swift").containsEntry("jobs", 3)
        .containsEntry("checksum", true).containsEntry("segment_size", 1024L)
        .containsEntry("ignore_patterns", List.of("*.tmp", "x*")).doesNotContainKey("dest_sync");
  }

  @Test
  void globalLongAliases() {
    GlobalOptions g = root(cl(), "--checksum", "--password_file", "--jobs", "4", "--repo", "/x",
        "--verbose", "--quiet", "--ignore-patterns", "a", "--binary_overrides", "b", "--segment_size", "7",
        "retrieve").global;
    assertThat(g.checksum).isTrue();
    assertThat(g.passwordFile).isTrue();
    assertThat(g.jobs).isEqualTo(4);
    assertThat(g.repo).isEqualTo(Path.of("/x"));
    assertThat(g.verbose).isTrue();
    assertThat(g.quiet).isTrue();
    assertThat(g.ignorePatterns).containsExactly("a");
    assertThat(g.binaryOverrides).containsExactly("b");
    assertThat(g.segmentSize).isEqualTo(7L);
    assertThat(root(cl(), "--password-file", "store").global.passwordFile).isTrue();
  }

  @Test
  void unsetGlobalOptionsAreNotInTheConfig() {
    GlobalOptions g = root(cl(), "store").global;
    assertThat(g.asConfig()).isEmpty();
    assertThat(g.checksum).isNull();
    assertThat(g.passwordFile).isFalse();
  }

  @Test
  void storeOptions() {
    StoreCommand s = sub(cl(), "store", "store", "-n", "--json", "shelves/a", "shelves/b c");
    assertThat(s.dryRun).isTrue();
    assertThat(s.json).isTrue();
    assertThat(s.paths).containsExactly(Path.of("shelves/a"), Path.of("shelves/b c"));
    for (String alias : List.of("--dry-run", "--dry_run")) {
      assertThat(this.<StoreCommand>sub(cl(), "store", "store", alias).dryRun).as(alias).isTrue();
    }
    StoreCommand none = sub(cl(), "store", "store");
    assertThat(none.paths).isEmpty();
    assertThat(none.dryRun).isFalse();
    assertThat(none.json).isFalse();
  }

  @Test
  void retrieveShortOptions() {
    RetrieveCommand r = sub(cl(), "retrieve", "retrieve", "-s", "mac", "win", "-f", "-j", "-d", "/dest",
        "-i", "shelves/mac/a.pkg.pitem", "-n", "--no-pull", "--json", "-p");
    assertThat(r.shelves).containsExactly("mac", "win");
    assertThat(r.force).isTrue();
    assertThat(r.jsonOutput).isTrue();
    assertThat(r.dest).isEqualTo(Path.of("/dest"));
    assertThat(r.pitem).isEqualTo(Path.of("shelves/mac/a.pkg.pitem"));
    assertThat(r.dryRun).isTrue();
    assertThat(r.noPull).isTrue();
    assertThat(r.json).isTrue();
    assertThat(r.parent.global.passwordFile).isTrue();
  }

  @Test
  void retrieveLongAndSnakeCaseAliases() {
    RetrieveCommand r = sub(cl(), "retrieve", "retrieve", "--shelf", "mac", "--force", "--json_output",
        "--dest_sync", "/d", "--pitem", "p.pitem", "--dry_run");
    assertThat(r.shelves).containsExactly("mac");
    assertThat(r.force).isTrue();
    assertThat(r.jsonOutput).isTrue();
    assertThat(r.dest).isEqualTo(Path.of("/d"));
    assertThat(r.pitem).isEqualTo(Path.of("p.pitem"));
    assertThat(r.dryRun).isTrue();
    RetrieveCommand k = sub(cl(), "retrieve", "retrieve", "--json-output", "--dest-sync", "/e", "--dry-run",
        "-s", "a", "-s", "b");
    assertThat(k.jsonOutput).isTrue();
    assertThat(k.dest).isEqualTo(Path.of("/e"));
    assertThat(k.dryRun).isTrue();
    assertThat(k.shelves).containsExactly("a", "b");
    RetrieveCommand none = sub(cl(), "retrieve", "retrieve");
    assertThat(none.shelves).isEmpty();
    assertThat(none.force || none.jsonOutput || none.dryRun || none.noPull || none.json).isFalse();
    assertThat(none.dest).isNull();
    assertThat(none.pitem).isNull();
  }

  @Test
  void authOptions() {
    AuthCommand a = sub(cl(), "auth", "auth", "--test", "-s", "mac", "-p");
    assertThat(a.test).isTrue();
    assertThat(a.shelf).isEqualTo("mac");
    assertThat(a.parent.global.passwordFile).isTrue();
    AuthCommand b = sub(cl(), "auth", "auth", "--shelf", "win");
    assertThat(b.shelf).isEqualTo("win");
    assertThat(b.test).isFalse();
  }

  @Test
  void gcDeletesOnlyWhenAskedAndParsesGrace() {
    GcCommand g = sub(cl(), "gc", "gc");
    assertThat(g.delete).isFalse();
    assertThat(g.maxDelete).isNull();
    assertThat(g.grace).isEqualTo("7d");
    GcCommand d = sub(cl(), "gc", "gc", "--delete", "--max-delete", "5", "--grace", "0", "--fetch", "--json");
    assertThat(d.delete).isTrue();
    assertThat(d.maxDelete).isEqualTo(5L);
    assertThat(d.fetch).isTrue();
    assertThat(GcCommand.parseGrace("0")).isZero();
    assertThat(GcCommand.parseGrace("7")).isEqualTo(7 * 86400L);
    assertThat(GcCommand.parseGrace("12h")).isEqualTo(12 * 3600L);
    assertThat(GcCommand.parseGrace("90s")).isEqualTo(90L);
    assertThat(GcCommand.parseGrace("5m")).isEqualTo(300L);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GcCommand.parseGrace("-1"))
        .isInstanceOf(IllegalArgumentException.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> GcCommand.parseGrace("1w"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A value each option type accepts. */
  private static String sample(CommandLine.Model.OptionSpec o) {
    Class<?> t = o.type();
    if (t == Integer.class || t == int.class || t == Long.class || t == long.class) {
      return "3";
    }
    if (List.class.isAssignableFrom(t)) {
      return "*.x";
    }
    return "v";
  }

  /** Guards against an alias added without a test above: every name of every option parses. */
  @Test
  void everyNameOfEveryOptionOfEveryCommandParses() {
    CommandLine top = cl();
    int names = 0;
    List<CommandLine> all = new java.util.ArrayList<>(List.of(top));
    all.addAll(top.getSubcommands().values());
    assertThat(top.getSubcommands().keySet()).contains("store", "retrieve", "auth", "init", "ls", "gc",
        "install-hooks", "push-check");
    for (CommandLine c : all) {
      for (CommandLine.Model.OptionSpec o : c.getCommandSpec().options()) {
        if (o.usageHelp() || o.versionHelp()) {
          continue;
        }
        for (String n : o.names()) {
          List<String> args = new java.util.ArrayList<>();
          if (c != top) {
            args.add(c.getCommandName());
          }
          if (c.getCommandName().equals("completion")) {
            args.add("bash"); // its one required parameter, before options that take several values
          }
          args.add(n);
          if (o.arity().min() > 0) {
            args.add(sample(o));
          }
          if (c == top) {
            args.add("store");
          }
          CommandLine fresh = cl();
          CommandLine.ParseResult pr = fresh.parseArgs(args.toArray(String[]::new));
          CommandLine.ParseResult where = c == top ? pr : pr.subcommand();
          assertThat(where.hasMatchedOption(n)).as(String.join(" ", args)).isTrue();
          names++;
        }
      }
    }
    assertThat(names).isGreaterThan(40);
  }

  @Test
  void helpAndVersionEverywhere() {
    for (String[] args : new String[][] {{"-h"}, {"--help"}, {"-V"}, {"--version"}, {"store", "-h"},
        {"retrieve", "--help"}, {"auth", "-h"}}) {
      assertThat(cl().execute(args)).as(String.join(" ", args)).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"--bogus", "store --bogus", "retrieve -x", "auth --nope", "nosuchcommand",
      "retrieve -d", "-J notanumber store", "--segment_size 1.5 store", "store --test", "gc --max-delete x",
      "gc --bogus", "ls --nope"})
  void badCommandLineIsExit2(String line) {
    CommandLine c = cl();
    StringWriter err = new StringWriter();
    c.setErr(new PrintWriter(err, true));
    assertThat(c.execute(line.split(" "))).isEqualTo(2);
    assertThat(err.toString()).startsWith("pantri: ").contains("--help' for usage.");
  }

  /** Runs a command line, returning its exit code and stdout (stderr discarded). */
  private static String[] run(String... args) {
    java.io.PrintStream saved = System.out;
    java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
    int code;
    System.setOut(new java.io.PrintStream(raw, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      CommandLine c = Main.commandLine();
      c.setErr(new PrintWriter(new StringWriter(), true));
      code = c.execute(args);
      c.getOut().flush();
    } finally {
      System.setOut(saved);
    }
    return new String[] {Integer.toString(code), raw.toString(java.nio.charset.StandardCharsets.UTF_8)};
  }

  @Test
  void helpCommandIsNotAnError() {
    String[] top = run("help");
    assertThat(top[0]).isEqualTo("0");
    assertThat(top[1]).contains("Usage: pantri").contains("store").contains("retrieve").contains("completion");
    for (String cmd : List.of("store", "retrieve", "auth", "completion")) {
      String[] r = run("help", cmd);
      assertThat(r[0]).as(cmd).isEqualTo("0");
      assertThat(r[1]).as(cmd).contains("Usage: pantri " + cmd).contains("Examples:");
    }
    assertThat(run("help", "nosuchcommand")[0]).isNotEqualTo("0");
  }

  /** The command list shows each command's first description line: a whole sentence. */
  @Test
  void commandListIsWholeSentences() {
    CommandLine top = cl();
    for (CommandLine sub : top.getSubcommands().values()) {
      CommandLine.Model.UsageMessageSpec u = sub.getCommandSpec().usageMessage();
      String first = u.header().length > 0 ? u.header()[0] : u.description()[0]; // what the list shows
      assertThat(first).as(sub.getCommandName()).endsWith(".").doesNotEndWith(":").hasSizeLessThan(75);
    }
  }

  /** Every working command's help names pantri.toml and the credential variables, with examples. */
  @ParameterizedTest
  @ValueSource(strings = {"store", "retrieve", "auth"})
  void subcommandHelpHasExamplesConfigAndEnvironment(String cmd) {
    String help = run(cmd, "--help")[1];
    assertThat(help).contains("Examples:", "pantri " + cmd, "pantri.toml", "ST_AUTH", "ST_KEY", "OS_AUTH_URL",
        "OS_PASSWORD", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    for (String line : help.split("\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(Help.WIDTH);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bash", "zsh"})
  void completionPrintsAScript(String shell) {
    String[] r = run("completion", shell);
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("complete -F _complete_pantri").contains("store").contains("retrieve")
        .contains("--dest_sync").contains("--object_store");
    if (shell.equals("zsh")) {
      assertThat(r[1]).contains("bashcompinit");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"completion", "completion fish", "completion bash zsh"})
  void badCompletionOrHelpIsExit2(String line) {
    assertThat(run(line.split(" "))[0]).isEqualTo("2");
  }

  @Test
  void manPageComesFromTheCommandModel() {
    String page = ManPage.render(Main.commandLine(), "2026-01-01");
    assertThat(page).startsWith(".\\\" generated").contains(".TH PANTRI 1 \"2026-01-01\"")
        .contains(".SH SYNOPSIS", ".SH COMMANDS", ".SH ENVIRONMENT", ".SH FILES", ".SH EXAMPLES")
        .contains(".SS \"pantri store [OPTIONS] [PATH ...]\"").contains(".SS \"pantri retrieve [OPTIONS]\"")
        .contains("\\fB\\-\\-dest_sync\\fR").contains("ST_AUTH").contains("pantri.toml")
        .doesNotContain("%n");
    // every line is valid roff: no line starts with a stray dot or quote from the text
    for (String line : page.split("\n")) {
      if (line.startsWith(".") || line.startsWith("'")) {
        assertThat(line).as(line).matches("^\\.(\\\\\"|TH|SH|SS|TP|PP|B|nf|fi|RS|RE)( .*)?$");
      }
    }
  }
}

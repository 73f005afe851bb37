package org.pantri.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.pantri.core.PantriException;
import org.pantri.core.PantriException.Category;
import org.pantri.core.Result;
import org.pantri.pitem.PitemException;
import org.pantri.repo.RepoException;
import org.pantri.store.AuthException;
import org.pantri.store.ObjectNotFoundException;
import org.pantri.store.RetryableStoreException;
import org.pantri.store.StoreException;
import org.pantri.transfer.Cancellation;
import org.pantri.transfer.Failure;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class ExitCodeMapperTest {

  @Test
  void everyCategoryHasItsDocumentedCode() {
    assertThat(ExitCodeMapper.of(Category.PARTIAL)).isEqualTo(1);
    assertThat(ExitCodeMapper.of(Category.USAGE)).isEqualTo(2);
    assertThat(ExitCodeMapper.of(Category.REPO)).isEqualTo(3);
    assertThat(ExitCodeMapper.of(Category.AUTH)).isEqualTo(4);
    assertThat(ExitCodeMapper.of(Category.STORE)).isEqualTo(5);
    assertThat(ExitCodeMapper.of(Category.REFUSED)).isEqualTo(6);
    assertThat(ExitCodeMapper.of(Category.LOCKED)).isEqualTo(7);
    assertThat(ExitCodeMapper.of(Category.INTERRUPTED)).isEqualTo(130);
  }

  @Test
  void typedExceptionsOfEveryLayer() {
    assertThat(ExitCodeMapper.of(new PantriException(Category.LOCKED, "x"))).isEqualTo(7);
    assertThat(ExitCodeMapper.of(new AuthException("no"))).isEqualTo(4);
    assertThat(ExitCodeMapper.of(new StoreException("down"))).isEqualTo(5);
    assertThat(ExitCodeMapper.of(new RetryableStoreException("503", null))).isEqualTo(5);
    assertThat(ExitCodeMapper.of(new ObjectNotFoundException("k", "here"))).isEqualTo(5);
    assertThat(ExitCodeMapper.of(new RepoException("bad toml"))).isEqualTo(3);
    assertThat(ExitCodeMapper.of(new IOException("disk"))).isEqualTo(3);
    assertThat(ExitCodeMapper.of(new PitemException("hostile"))).isEqualTo(6);
    assertThat(ExitCodeMapper.of(new Cancellation.CancelledException())).isEqualTo(130);
    assertThat(ExitCodeMapper.of(new IllegalStateException("bug"))).isEqualTo(70);
    assertThat(ExitCodeMapper.of(new NullPointerException())).isEqualTo(70);
  }

  @Test
  void resultCodes() {
    Result ok = new Result();
    assertThat(ExitCodeMapper.of(ok)).isZero();
    Result refused = new Result();
    refused.refused.add("a.pitem");
    assertThat(ExitCodeMapper.of(refused)).isEqualTo(6);
    Result failed = new Result();
    failed.refused.add("a.pitem");
    failed.failed.add(new Failure("b", "b: corrupt", Failure.Kind.CORRUPT));
    assertThat(ExitCodeMapper.of(failed)).isEqualTo(1);
    failed.failed.add(new Failure("c", "c: rejected", Failure.Kind.AUTH));
    assertThat(ExitCodeMapper.of(failed)).isEqualTo(4);
    failed.interrupted = true;
    assertThat(ExitCodeMapper.of(failed)).isEqualTo(130);
  }

  @Test
  void failureKindsKeepTheirJsonNames() {
    assertThat(java.util.Arrays.stream(Failure.Kind.values()).map(Failure.Kind::json))
        .containsExactly("corrupt", "auth", "store", "missing", "local", "interrupted");
  }

  @Test
  void reportSaysWhatAndHidesTheTraceUnlessVerbose() {
    StringWriter w = new StringWriter();
    assertThat(ExitCodeMapper.report(new StoreException("swift down"), new PrintWriter(w, true), false)).isEqualTo(5);
    assertThat(w.toString()).isEqualTo("pantri: error: swift down" + System.lineSeparator());
    StringWriter bug = new StringWriter();
    assertThat(ExitCodeMapper.report(new IllegalStateException("boom"), new PrintWriter(bug, true), false)).isEqualTo(70);
    assertThat(bug.toString()).startsWith("pantri: internal error: java.lang.IllegalStateException: boom")
        .contains("please report; rerun with --verbose for the stack trace").doesNotContain("\tat ");
    StringWriter verbose = new StringWriter();
    ExitCodeMapper.report(new IllegalStateException("boom"), new PrintWriter(verbose, true), true);
    assertThat(verbose.toString()).contains("\tat ");
  }

  @Command(name = "boom")
  static final class Boom implements Callable<Integer> {
    @CommandLine.Option(names = "--verbose") boolean verbose;

    @Override
    public Integer call() {
      throw new IllegalStateException("unexpected");
    }
  }

  @Test
  void anUnexpectedExceptionEscapingACommandIsExit70NotPicocli1() {
    CommandLine cl = new CommandLine(new Boom()).setExecutionExceptionHandler(new ExitCodeMapper());
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute()).isEqualTo(70);
    assertThat(err.toString()).contains("internal error").doesNotContain("\tat ");
    StringWriter err2 = new StringWriter();
    cl = new CommandLine(new Boom()).setExecutionExceptionHandler(new ExitCodeMapper());
    cl.setErr(new PrintWriter(err2, true));
    assertThat(cl.execute("--verbose")).isEqualTo(70);
    assertThat(err2.toString()).contains("\tat ");
  }

  @Test
  void theRealCommandLineHasTheHandler() {
    assertThat(Main.commandLine().getExecutionExceptionHandler()).isInstanceOf(ExitCodeMapper.class);
  }
}

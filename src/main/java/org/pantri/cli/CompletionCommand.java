package org.pantri.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pantri completion bash|zsh}: a completion script generated from the command model. */
@Command(name = "completion", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
    description = {"Print a shell completion script for bash or zsh.",
        "The script completes commands, options and their values; it is generated from the same"
            + " command model as --help and the man page."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  source <(pantri completion bash)                         # this bash session",
        "  pantri completion bash > ~/.local/share/bash-completion/completions/pantri",
        "  echo 'source <(pantri completion zsh)' >> ~/.zshrc     # zsh",
        "",
        "The release archive and the .deb ship the bash script (share/bash-completion/completions/pantri)."})
final class CompletionCommand implements Callable<Integer> {
  enum Shell { bash, zsh }

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Override
  public Integer call() {
    System.out.print(script(spec.root(), shell));
    System.out.flush();
    return 0;
  }

  static String script(CommandSpec root, Shell shell) {
    String bash = AutoComplete.bash(root.name(), root.commandLine());
    if (shell == Shell.bash) {
      return bash;
    }
    // The generated script detects zsh ($ZSH_VERSION) and loads bashcompinit itself, which is
    // picocli's documented way to complete in zsh: source <(pantri completion zsh).
    return "# zsh: source this file (or: source <(" + root.name() + " completion zsh)) from ~/.zshrc\n" + bash;
  }
}

package dev.keyvault.cli.internal;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keyvault completion}: picocli's generated bash (and zsh) completion script. */
@Command(name = "completion",
        header = "Print the bash completion script.",
        description = "Print the bash completion script (zsh too, through bashcompinit). Nothing is installed.",
        footerHeading = "%nExample:%n",
        footer = {"  source <(keyvault completion)                          # this shell",
                "  keyvault completion > /etc/bash_completion.d/keyvault   # every shell",
                "%nJSON: {command, shell, script}."})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RootCommand root = (RootCommand) spec.root().userObject();
        String script = AutoComplete.bash("keyvault", spec.root().commandLine());
        Context ctx = root.context();
        if (ctx.json()) {
            ctx.emit(Json.obj().put("command", "completion").put("shell", "bash").put("script", script));
        } else {
            ctx.out().print(script);
            ctx.out().flush();
        }
        return ExitCode.OK;
    }
}

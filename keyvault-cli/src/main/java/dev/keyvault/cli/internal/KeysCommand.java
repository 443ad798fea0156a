package dev.keyvault.cli.internal;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code keyvault keys …}: one key's life, from issue to revoke. */
@Command(name = "keys",
        header = "One key's life: list, show, issue, update, rotate, status, complete, revoke, history, usage, audit.",
        description = "One key's life: list, show, issue, change in place, rotate, watch the rotation, complete it, revoke,"
                + " and read its history, usage and audit.",
        subcommands = {
            KeysListCommand.class,
            KeysShowCommand.class,
            KeysIssueCommand.class,
            KeysUpdateCommand.class,
            KeysRotateCommand.class,
            KeysStatusCommand.class,
            KeysCompleteCommand.class,
            KeysRevokeCommand.class,
            KeysHistoryCommand.class,
            KeysUsageCommand.class,
            KeysAuditCommand.class
        })
final class KeysCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        RootCommand root = (RootCommand) spec.root().userObject();
        spec.commandLine().usage(root.context().err());
        throw new RootCommand.CommandRequired();
    }
}

package dev.keyvault.cli.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Keeps each command's help about that command: the global options (inherited by every command)
 * are listed once, in {@code keyvault --help}; a command's help names them in one line instead.
 */
final class HelpLayout {
    private static final String GLOBAL = "globalOptions";

    private HelpLayout() {}

    static void apply(CommandLine root) {
        for (CommandLine sub : root.getSubcommands().values()) {
            applyToCommand(sub);
        }
    }

    private static void applyToCommand(CommandLine cl) {
        cl.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        Map<String, CommandLine.IHelpSectionRenderer> sections = cl.getHelpSectionMap();
        sections.put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, help -> {
            List<OptionSpec> own = new ArrayList<>();
            for (OptionSpec o : help.commandSpec().options()) {
                if (!o.inherited()) {
                    own.add(o);
                }
            }
            return help.optionListExcludingGroups(own);
        });
        String nl = System.lineSeparator();
        sections.put(GLOBAL, help -> "Global options, before or after the command: --jdbc-url, --password-file," + nl
                + "  --pepper-file, --key-prefix, --table-prefix, --hasher, --quiet-period," + nl
                + "  --actor, --json, -v/--verbose, -h/--help (see 'keyvault --help')." + nl);
        List<String> keys = new ArrayList<>(cl.getHelpSectionKeys());
        if (!keys.contains(GLOBAL)) { // a parent's keys reach its subcommands too
            keys.add(keys.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST) + 1, GLOBAL);
            cl.setHelpSectionKeys(keys);
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            applyToCommand(sub);
        }
    }
}

package dev.keyvault.cli.internal;

import dev.keyvault.KeyQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The selection options shared by the commands that work on many keys: owner, environment, tag, metadata. */
final class KeySelection {
    @Option(names = "--owner", paramLabel = "<owner>", description = "Only this owner's keys.")
    String owner;

    @Option(names = "--environment", paramLabel = "<env>", description = "Only keys of this environment, such as production.")
    String environment;

    @Option(names = "--tag", paramLabel = "<tag>", description = "Only keys carrying this tag.")
    String tag;

    @Option(names = "--metadata", paramLabel = "<name=value>",
            description = "Only keys whose metadata has this entry, exactly; repeat to ask for several.")
    List<String> metadata = new ArrayList<>();

    /** The selection as a query of every matching key (all pages). */
    KeyQuery query() {
        KeyQuery q = KeyQuery.all().withLimit(KeyQuery.MAX_LIMIT);
        try {
            if (owner != null) {
                q = q.withOwner(owner);
            }
            if (environment != null) {
                q = q.withEnvironment(environment);
            }
            if (tag != null) {
                q = q.withTag(tag);
            }
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--owner/--environment/--tag: " + e.getMessage());
        }
        for (Map.Entry<String, String> m : PolicyOptions.metadata(metadata).entrySet()) {
            q = q.withMetadata(m.getKey(), m.getValue());
        }
        return q;
    }

    Json.Obj json() {
        return Json.obj().put("owner", owner).put("environment", environment).put("tag", tag)
                .put("metadata", PolicyOptions.metadata(metadata));
    }
}

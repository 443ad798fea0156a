package dev.keyvault.spring.boot;

import dev.keyvault.Peppers;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link PepperRequiredException} into Boot's start-up failure report: what is missing, and how to set it. */
final class PepperFailureAnalyzer extends AbstractFailureAnalyzer<PepperRequiredException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PepperRequiredException cause) {
        return new FailureAnalysis(
                "keyvault requires a pepper (keyvault.require-pepper, true under a prod or production profile) and none is"
                        + " configured: without one, whoever can write to the key database can mint a key.",
                "Set the environment variable " + Peppers.ENVIRONMENT_VARIABLE + " on every node to the same value, for example\n"
                        + "    export " + Peppers.ENVIRONMENT_VARIABLE + "=\"v1:$(openssl rand -base64 32)\"\n"
                        + "or the property keyvault.pepper; or set keyvault.require-pepper=false to run without one.",
                cause);
    }
}

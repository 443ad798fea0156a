package dev.keyvault.rotation;

/**
 * The process dies here: an {@link Error}, so no library code handles it as an ordinary failure and
 * nothing after the crash point runs, exactly as if the JVM had stopped. The store keeps what was
 * written before.
 */
public final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    public SimulatedCrash(String where) {
        super("simulated crash: " + where);
    }
}

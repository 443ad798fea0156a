package dev.keyvault;

final class NoopListener implements KeyEventListener {
    static final NoopListener INSTANCE = new NoopListener();

    private NoopListener() {}

    @Override
    public String toString() {
        return "KeyEventListener.noop()";
    }
}

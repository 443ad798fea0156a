package dev.keyvault.cli.internal;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A second, forward-only reader of a file being scanned: turns the byte offsets the scanner reports
 * (in increasing order) into line and column, and reads the token there so it can be verified. One
 * pass over the file at most, in constant memory, however long its lines. Columns count characters
 * of UTF-8 text (bytes that start a character), from 1.
 */
final class FilePositions implements Closeable {
    private final InputStream in;
    private long pos;
    private long line = 1;
    private long column = 1;

    FilePositions(Path file) throws IOException {
        this.in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    }

    /** Moves to {@code offset} (not before the current position); then {@link #line()} and {@link #column()} are its. */
    void moveTo(long offset) throws IOException {
        if (offset < pos) {
            throw new IllegalArgumentException("positions must be asked in increasing order");
        }
        while (pos < offset) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the file became shorter while it was scanned");
            }
            pos++;
            if (b == '\n') {
                line++;
                column = 1;
            } else if ((b & 0xC0) != 0x80) {
                column++;
            }
        }
    }

    long line() {
        return line;
    }

    long column() {
        return column;
    }

    /** The {@code length} ASCII bytes at the current position (a token), moving past them. */
    String read(int length) throws IOException {
        byte[] b = in.readNBytes(length);
        if (b.length != length) {
            throw new EOFException("the file became shorter while it was scanned");
        }
        pos += length;
        column += length;
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}

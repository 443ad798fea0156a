package dev.keyvault.cli.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An aligned text table: columns as wide as their widest cell, two spaces apart, the header in bold
 * on a terminal. Cells may carry a colour, which does not count towards the width.
 */
final class Table {
    /** A cell's text and its colour ({@link Style} code, or empty). */
    record Cell(String text, String colour) {}

    private final List<String> headers;
    private final List<List<Cell>> rows = new ArrayList<>();

    private Table(List<String> headers) {
        this.headers = headers;
    }

    static Table of(String... headers) {
        return new Table(List.of(headers));
    }

    static Cell cell(String text, String colour) {
        return new Cell(text, colour);
    }

    /** Adds a row; {@link Cell}s keep their colour, anything else is its {@code toString()}. */
    Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + cells.length);
        }
        List<Cell> row = new ArrayList<>(cells.length);
        for (Object c : cells) {
            row.add(c instanceof Cell cell ? cell : new Cell(String.valueOf(c), ""));
        }
        rows.add(row);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    void print(PrintStream out, Style style) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = width(headers.get(i));
        }
        for (List<Cell> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], width(row.get(i).text()));
            }
        }
        List<Cell> head = new ArrayList<>();
        for (String h : headers) {
            head.add(new Cell(h, Style.BOLD));
        }
        line(out, style, head, widths);
        for (List<Cell> row : rows) {
            line(out, style, row, widths);
        }
    }

    private static void line(PrintStream out, Style style, List<Cell> cells, int[] widths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            Cell c = cells.get(i);
            sb.append(style.paint(c.colour(), c.text()));
            if (i < cells.size() - 1) {
                sb.append(" ".repeat(widths[i] - width(c.text()) + 2));
            }
        }
        out.println(sb.toString().stripTrailing());
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}

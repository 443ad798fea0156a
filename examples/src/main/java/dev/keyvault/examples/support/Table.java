package dev.keyvault.examples.support;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints rows as an aligned, indented text table. */
public final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    private Table(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    public static Table of(String... header) {
        return new Table(header);
    }

    public Table row(Object... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("expected " + columns + " cells, got " + cells.length);
        }
        String[] text = new String[columns];
        for (int i = 0; i < columns; i++) {
            text[i] = String.valueOf(cells[i]);
        }
        rows.add(text);
        return this;
    }

    public boolean isEmpty() {
        return rows.size() == 1;
    }

    public void print(PrintStream out) {
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].codePointCount(0, r[i].length()));
            }
        }
        for (int n = 0; n < rows.size(); n++) {
            print(out, rows.get(n), width);
            if (n == 0) {
                String[] rule = new String[columns];
                for (int i = 0; i < columns; i++) {
                    rule[i] = "─".repeat(width[i]);
                }
                print(out, rule, width);
            }
        }
        if (isEmpty()) {
            out.println("     (none)");
        }
    }

    private static void print(PrintStream out, String[] cells, int[] width) {
        StringBuilder line = new StringBuilder("     ");
        for (int i = 0; i < cells.length; i++) {
            line.append(cells[i]);
            if (i < cells.length - 1) {
                line.append(" ".repeat(width[i] - cells[i].codePointCount(0, cells[i].length()) + 2));
            }
        }
        out.println(line.toString().stripTrailing());
    }
}

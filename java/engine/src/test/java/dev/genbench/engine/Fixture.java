package dev.genbench.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the text fixtures written by {@code src/test/python/fixtures.py}: one tensor per line,
 * name, comma-separated dims and space-separated values, tab-separated.
 */
public final class Fixture {

    public record Entry(Shape shape, double[] values) {}

    private final String name;
    private final Map<String, Entry> entries;

    private Fixture(String name, Map<String, Entry> entries) {
        this.name = name;
        this.entries = entries;
    }

    public static Fixture load(String resource) {
        InputStream in = Fixture.class.getResourceAsStream("/fixtures/" + resource);
        if (in == null) {
            throw new IllegalStateException("fixture " + resource + " is missing; run the script in src/test/python that makes it");
        }
        return read(resource, in);
    }

    public static Fixture fromFile(java.nio.file.Path file) throws IOException {
        return read(file.getFileName().toString(), java.nio.file.Files.newInputStream(file));
    }

    private static Fixture read(String resource, InputStream in) {
        Map<String, Entry> m = new LinkedHashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] parts = line.split("\t", -1);
                int[] dims = parts[1].isEmpty() ? new int[0]
                        : java.util.Arrays.stream(parts[1].split(",")).mapToInt(Integer::parseInt).toArray();
                double[] values = parts[2].isEmpty() ? new double[0]
                        : java.util.Arrays.stream(parts[2].split(" ")).mapToDouble(Double::parseDouble).toArray();
                m.put(parts[0], new Entry(Shape.of(dims), values));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Fixture(resource, m);
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public Entry get(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            throw new IllegalArgumentException("fixture " + name + " has no entry '" + key + "'");
        }
        return e;
    }

    public double scalar(String key) {
        return get(key).values()[0];
    }

    public Tensor tensor(Backend backend, DType dtype, String key) {
        Entry e = get(key);
        Tensor t = Tensor.of(backend, dtype, e.shape(), e.values());
        return t;
    }

    public Map<String, Entry> entries() {
        return entries;
    }
}

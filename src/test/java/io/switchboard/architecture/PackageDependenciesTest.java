package io.switchboard.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layering the package docs state holds in the code: every main package documents itself and names each
 * package it imports, the imports form no cycle, the Redis adapter is imported by nobody (the core reaches it
 * through its ports only), its parts import only the layers below them, and the wire format and settings
 * import no other package.
 */
class PackageDependenciesTest {
    private static final Path MAIN = Path.of("src/main/java/io/switchboard");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.switchboard\\.([a-z]+(?:\\.[a-z]+)*)\\.[A-Z]",
            Pattern.MULTILINE);
    /** The Redis adapter's parts, each allowed to import the ones before it in this list (the adapter's root all). */
    private static final List<String> REDIS_LAYERS = List.of("redis.client", "redis.relay", "redis.presence", "redis.store");

    /** The package a file or an import counts as: its own, but below the top level only for the Redis adapter's parts. */
    private static String unit(String pkg) {
        String[] parts = pkg.split("\\.");
        return parts[0].equals("redis") && parts.length > 1 ? "redis." + parts[1] : parts[0];
    }

    /**
     * Package (top-level under io.switchboard, so socket.deflate counts as socket; the Redis adapter's parts,
     * {@code redis.client} and so on, count on their own) → the packages it imports.
     */
    private static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                Path relative = MAIN.relativize(file).getParent();
                if (relative == null) {
                    return; // a class directly in io.switchboard
                }
                String pkg = unit(relative.toString().replace('/', '.'));
                Set<String> used = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                try {
                    Matcher m = IMPORT.matcher(Files.readString(file));
                    while (m.find()) {
                        String imported = unit(m.group(1));
                        if (!imported.equals(pkg)) {
                            used.add(imported);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return graph;
    }

    @Test
    void everyPackageDocumentsWhatItImports() throws IOException {
        for (Map.Entry<String, Set<String>> pkg : imports().entrySet()) {
            Path info = MAIN.resolve(pkg.getKey().replace('.', '/')).resolve("package-info.java");
            assertTrue(Files.exists(info), pkg.getKey() + " has a package-info.java");
            String doc = Files.readString(info);
            for (String used : pkg.getValue()) {
                assertTrue(doc.contains("{@code " + used + "}"), pkg.getKey() + "'s package-info names " + used + ", which it imports");
            }
        }
    }

    @Test
    void importsFormNoCycle() throws IOException {
        Map<String, Set<String>> graph = imports();
        for (String start : graph.keySet()) {
            Deque<List<String>> paths = new ArrayDeque<>();
            paths.push(List.of(start));
            Set<String> seen = new TreeSet<>();
            while (!paths.isEmpty()) {
                List<String> path = paths.pop();
                for (String next : graph.getOrDefault(path.get(path.size() - 1), Set.of())) {
                    List<String> longer = new ArrayList<>(path);
                    longer.add(next);
                    assertTrue(!next.equals(start), "a cycle: " + String.join(" → ", longer));
                    if (seen.add(next)) {
                        paths.push(longer);
                    }
                }
            }
        }
    }

    @Test
    void theRedisAdapterIsImportedByNobodyAndTheLeavesImportNothing() throws IOException {
        Map<String, Set<String>> graph = imports();
        graph.forEach((pkg, used) -> {
            if (!pkg.equals("redis") && !pkg.startsWith("redis.")) {
                assertTrue(used.stream().noneMatch(u -> u.equals("redis") || u.startsWith("redis.")), pkg + " imports the Redis adapter");
            }
        });
        assertEquals(Set.of(), graph.get("protocol"), "the wire format imports no other package");
        assertEquals(Set.of(), graph.get("config"), "the settings import no other package");
        assertTrue(graph.size() >= 18, graph.keySet().toString()); // the test reads what it should
    }

    @Test
    void eachPartOfTheRedisAdapterImportsOnlyTheLayersBelowIt() throws IOException {
        Map<String, Set<String>> graph = imports();
        for (int layer = 0; layer < REDIS_LAYERS.size(); layer++) {
            String part = REDIS_LAYERS.get(layer);
            Set<String> below = Set.copyOf(REDIS_LAYERS.subList(0, layer));
            assertTrue(graph.containsKey(part), part + " exists");
            for (String used : graph.get(part)) {
                assertTrue(!used.startsWith("redis") || below.contains(used), part + " imports " + used + ", which is not below it");
            }
        }
        assertEquals(Set.of("config"), graph.get("redis.client"), "the connections know only their settings");
        assertTrue(graph.get("redis").containsAll(REDIS_LAYERS), "the adapter's root wires every part: " + graph.get("redis"));
    }
}

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
 * through its ports only) and the wire format and settings import no other package.
 */
class PackageDependenciesTest {
    private static final Path MAIN = Path.of("src/main/java/io/switchboard");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.switchboard\\.([a-z]+)\\.", Pattern.MULTILINE);

    /** Package (top-level under io.switchboard; socket.deflate counts as socket) → the packages it imports. */
    private static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            files.filter(file -> file.toString().endsWith(".java")).forEach(file -> {
                String pkg = MAIN.relativize(file).getName(0).toString();
                if (pkg.endsWith(".java")) {
                    return; // a class directly in io.switchboard
                }
                Set<String> used = graph.computeIfAbsent(pkg, p -> new TreeSet<>());
                try {
                    Matcher m = IMPORT.matcher(Files.readString(file));
                    while (m.find()) {
                        if (!m.group(1).equals(pkg)) {
                            used.add(m.group(1));
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
            Path info = MAIN.resolve(pkg.getKey()).resolve("package-info.java");
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
        graph.forEach((pkg, used) -> assertTrue(!used.contains("redis"), pkg + " imports the Redis adapter"));
        assertEquals(Set.of(), graph.get("protocol"), "the wire format imports no other package");
        assertEquals(Set.of(), graph.get("config"), "the settings import no other package");
        assertTrue(graph.size() >= 14, graph.keySet().toString()); // the test reads what it should
    }
}

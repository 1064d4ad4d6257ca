package io.switchboard.testing;

/** Reads samples out of Prometheus text exposition, as served at {@code /metrics}. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * The value of the first sample whose name is {@code name} (followed by labels or a space) and whose
     * labels contain every one of {@code labels}; fails naming what it looked for.
     */
    public static double sample(String metrics, String name, String... labels) {
        for (String line : metrics.split("\n")) {
            if (!(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            boolean matches = true;
            for (String label : labels) {
                matches &= line.contains(label);
            }
            if (matches) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sample " + name + " with " + String.join(",", labels) + " in:\n" + metrics);
    }
}

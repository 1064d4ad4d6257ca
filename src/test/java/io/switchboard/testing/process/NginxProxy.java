package io.switchboard.testing.process;

import io.switchboard.testing.Eventually;
import io.switchboard.testing.client.ApiClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real nginx in front of nodes, configured by the shipped {@code nginx/render.sh} with a certificate
 * from the shipped {@code nginx/make-cert.sh}, on free loopback ports. Clients trust the generated CA
 * (never "trust all").
 */
public final class NginxProxy implements AutoCloseable {
    private final Process process;
    private final int httpsPort;
    private final int httpPort;
    private final SSLContext tls;
    private final Path logs;

    private NginxProxy(Process process, int httpsPort, int httpPort, SSLContext tls, Path logs) {
        this.process = process;
        this.logs = logs;
        this.httpsPort = httpsPort;
        this.httpPort = httpPort;
        this.tls = tls;
    }

    public static NginxProxy start(Path dir, List<URI> nodes) throws IOException, InterruptedException, GeneralSecurityException {
        return start(dir, nodes, List.of());
    }

    /** nginx as {@link #start(Path, List)}, with more {@code nginx/render.sh} options. */
    public static NginxProxy start(Path dir, List<URI> nodes, List<String> renderOptions)
            throws IOException, InterruptedException, GeneralSecurityException {
        Path certs = dir.resolve("certs");
        run(List.of("bash", "nginx/make-cert.sh", certs.toString()));
        int httpsPort = RedisServer.freePort();
        int httpPort = RedisServer.freePort();
        String upstreams = nodes.stream().map(node -> node.getHost() + ":" + node.getPort()).collect(Collectors.joining(","));
        List<String> render = new java.util.ArrayList<>(List.of("bash", "nginx/render.sh", "--prefix", dir.resolve("prefix").toString(),
                "--nodes", upstreams, "--cert", certs.resolve("server.pem").toAbsolutePath().toString(),
                "--key", certs.resolve("server.key").toAbsolutePath().toString(),
                "--https-port", String.valueOf(httpsPort), "--http-port", String.valueOf(httpPort), "--bind", "127.0.0.1",
                "--server-name", "localhost", "--daemon", "off"));
        render.addAll(renderOptions);
        String conf = run(render).strip();
        Path prefix = Path.of(conf).getParent();
        Process nginx = new ProcessBuilder(nginxBinary(), "-p", prefix.toString(), "-c", conf, "-e", prefix.resolve("logs/error.log").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        NginxProxy proxy = new NginxProxy(nginx, httpsPort, httpPort, trusting(certs.resolve("ca.pem")), prefix.resolve("logs"));
        try {
            Eventually.within(Duration.ofSeconds(15), "nginx answers", () -> {
                try {
                    return proxy.api().get("health/live").status() > 0;
                } catch (AssertionError notYet) {
                    return false;
                }
            });
        } catch (AssertionError e) {
            proxy.close();
            throw new AssertionError(e.getMessage() + "; see " + prefix.resolve("logs/error.log"), e);
        }
        return proxy;
    }

    /** nginx from the PATH, else Debian's /usr/sbin (not on a non-root user's PATH). */
    private static String nginxBinary() {
        Path sbin = Path.of("/usr/sbin/nginx");
        return Files.isExecutable(sbin) ? sbin.toString() : "nginx";
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(command + " failed: " + output);
        }
        return output;
    }

    private static SSLContext trusting(Path caPem) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trusted.setCertificateEntry("switchboard-local-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** Everything nginx wrote to its logs (access, error, stdout) so far. */
    public String logs() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(logs)) {
            for (Path file : files.sorted().toList()) {
                all.append("== ").append(file.getFileName()).append('\n').append(Files.readString(file));
            }
        }
        return all.toString();
    }

    /** {@code https://localhost:<port>/}: the name the certificate was made for. */
    public URI https() {
        return URI.create("https://localhost:" + httpsPort + "/");
    }

    public URI http() {
        return URI.create("http://localhost:" + httpPort + "/");
    }

    /** An HTTP client that trusts the generated CA and nothing else beyond the JDK's defaults. */
    public HttpClient client() {
        return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
    }

    public ApiClient api() {
        return new ApiClient(https(), client());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}

package dev.gpupool.bench.http;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every client measured fetches a real batch whole over loopback from {@link LoopbackServer} (503s
 * retried, bodies of several sizes up to a few MB, the byte count checked), and the harness refuses
 * what it cannot measure honestly.
 */
class HttpClientsTest {
    static final int N = 21;   // p0, p10 and p20 answer 503 first
    @TempDir
    static Path dir;
    static LoopbackServer server;
    static long bytes;

    @BeforeAll
    static void serve() throws Exception {
        Random random = new Random(16);
        for (int i = 0; i < N; i++) {
            byte[] b = new byte[i == 7 ? 3 << 20 : random.nextInt(300_000)];   // one body above Jetty's default 2 MiB buffer
            random.nextBytes(b);
            Files.write(dir.resolve("p" + i + ".jpg"), b);
            bytes += b.length;
        }
        server = new LoopbackServer(dir, 0, 0);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static List<URI> uris() {
        return IntStream.range(0, N).mapToObj(i -> URI.create("http://127.0.0.1:" + server.port() + "/p" + i + ".jpg")).toList();
    }

    /** Each client gets a server of its own: a server answers 503 only to the first request for p0, p10 and p20. */
    @ParameterizedTest
    @ValueSource(strings = {"urlconnection-virtual", "urlconnection-platform", "jdk-http1", "jdk-http2", "apache-classic",
            "apache-async", "jetty", "reactor-netty"})
    void everyClientFetchesTheWholeBatchAndRetriesThe503s(String name) throws Exception {
        LoopbackServer own = new LoopbackServer(dir, 0, 0);
        try {
            List<URI> list = IntStream.range(0, N).mapToObj(i -> URI.create("http://127.0.0.1:" + own.port() + "/p" + i + ".jpg")).toList();
            String[] line = HttpClients.measure(name, list, bytes, 4).split(" ");
            assertEquals("RESULT", line[0]);
            assertEquals(name, line[1]);
            assertEquals(Long.toString(bytes), line[6], "bytes");
            assertEquals(Integer.toString(N + 3), line[7], "exchanges");
            assertEquals("3", line[8], "retries");
            if (name.equals("jdk-http2")) assertEquals("HTTP_1_1", line[9], "no h2c upgrade from this server");
        } finally {
            own.stop();
        }
    }

    @Test
    void aBatchThatReadsOtherThanTheFilesSizesFails() {
        Exception e = assertThrows(IllegalStateException.class, () -> HttpClients.measure("urlconnection-platform", uris(), bytes + 1, 4));
        assertEquals("read " + bytes + " bytes, expected " + (bytes + 1) + " (the files' sizes)", e.getMessage());
    }

    @Test
    void theBufferSizeVariantRefusesToRunWithoutItsFlag() {
        assertNull(System.getProperty(HttpClients.BUFSIZE));
        Exception e = assertThrows(IllegalArgumentException.class, () -> HttpClients.open("jdk-http1-buf256k", 4));
        assertEquals("jdk-http1-buf256k needs the JVM flag -Djdk.httpclient.bufsize=262144", e.getMessage());
    }

    @Test
    void anUnknownClientIsNamedWithTheChoices() {
        Exception e = assertThrows(IllegalArgumentException.class, () -> HttpClients.open("okhttp", 4));
        assertTrue(e.getMessage().startsWith("unknown client 'okhttp'; one of urlconnection-virtual, "), e.getMessage());
    }
}

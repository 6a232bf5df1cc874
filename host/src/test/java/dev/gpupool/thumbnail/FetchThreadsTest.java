package dev.gpupool.thumbnail;

import com.sun.net.httpserver.HttpServer;
import dev.gpupool.Backend;
import dev.gpupool.Pool;
import dev.gpupool.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16: a batch of URLs leaves no thread in native code behind it. At exit the JVM waits up to
 * 300 ms for threads in native code to come back; fetching on virtual threads left the JDK's poller
 * ({@code MasterPoller}, parked in {@code epoll_wait}) for the JVM's life, and every command with a URL
 * input ended 0.33 s after its summary. The batch runs in a JVM of its own (this one has servers and
 * other tests' threads), which prints the threads in native code once its pool is closed.
 */
class FetchThreadsTest {
    @TempDir
    Path tmp;

    @Test
    void aUrlBatchLeavesNoThreadInNativeCode() throws Exception {
        byte[] body = Files.readAllBytes(TestImages.write(tmp.resolve("seed.jpg"), 320, 240, "jpeg"));
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/img/", ex -> {
            try (ex) {
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
        try {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    Child.class.getName(), tmp.resolve("out").toString()));
            for (int i = 0; i < 6; i++) cmd.add("http://127.0.0.1:" + server.getAddress().getPort() + "/img/p" + i + ".jpg");
            Path out = tmp.resolve("child.txt");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not end in 60 s");
            String printed = Files.readString(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), printed);
            assertTrue(printed.contains("6 ok"), printed);
            assertTrue(printed.contains("in native: []"), printed);
        } finally {
            server.stop(0);
        }
    }

    /** The child: thumbnails the URLs {@code args[1..]} into {@code args[0]}, then names the threads in native code. */
    public static final class Child {
        public static void main(String[] args) {
            List<String> urls = List.of(args).subList(1, args.length);
            BatchReport r;
            try (Pool pool = Pool.open(Backend.CPU_THREADS)) {
                r = Thumbnailer.on(pool).size(64, 64).runInputs(urls, Path.of(args[0]));
            }
            System.out.println(r.ok() + " ok");
            List<String> inNative = new ArrayList<>();
            for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
                if (t.isInNative() && t.getThreadId() != Thread.currentThread().threadId()) inNative.add(t.getThreadName());
            }
            System.out.println("in native: " + inNative);
        }
    }
}

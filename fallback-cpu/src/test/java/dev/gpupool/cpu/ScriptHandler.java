package dev.gpupool.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test handler driven by the request text {@code command:argument}: echo, upper, sleep (ms, answers
 * the pid), spin (ms of busy CPU, answers the pid), pid, throw (IOException with the argument), halt (exit code), crashonce (halts unless
 * the marker file exists, creating it first), touch (creates the file), print (writes to System.out,
 * then echoes), meet (creates a file in the directory, then waits up to 10 s for a second one there:
 * answers "met PID" when two tasks ran at once, else "alone PID"), exitnoise (at its exit, as a
 * training JVM assembling its AOT cache does, the process writes text to its standard output, waits
 * 500 ms, then creates the file), scratch (announces the file as the task's temporary with {@link
 * WorkerMain#scratch}, writes 1 MB of it, then: {@code scratch:halt:FILE} halts, {@code
 * scratch:sleep:FILE} sleeps 20 s, {@code scratch:keep:FILE} answers "kept").
 */
public final class ScriptHandler implements WorkerHandler {
    /** With {@code -Dscript.warmup=FILE}, the warm-up takes 3 s, then creates FILE. */
    @Override
    public void warmUp() throws Exception {
        String file = System.getProperty("script.warmup");
        if (file != null) {
            Thread.sleep(3000);
            Files.createFile(Path.of(file));
        }
    }

    @Override
    public byte[] handle(byte[] request) throws Exception {
        String text = new String(request, StandardCharsets.UTF_8);
        int colon = text.indexOf(':');
        String command = colon < 0 ? text : text.substring(0, colon);
        String arg = colon < 0 ? "" : text.substring(colon + 1);
        String pid = Long.toString(ProcessHandle.current().pid());
        String result = switch (command) {
            case "echo" -> arg;
            case "upper" -> arg.toUpperCase();
            case "pid" -> pid;
            case "env" -> String.valueOf(System.getenv(arg));
            case "spin" -> { // busy on the CPU, as a long decode is
                long end = System.nanoTime() + Long.parseLong(arg) * 1_000_000L;
                long x = 0;
                while (System.nanoTime() < end) x += x * 31 + 7;
                yield pid + (x == 42 ? "" : "");
            }
            case "sleep" -> {
                Thread.sleep(Long.parseLong(arg));
                yield pid;
            }
            case "throw" -> throw new IOException(arg);
            case "halt" -> {
                Runtime.getRuntime().halt(Integer.parseInt(arg));
                yield "unreachable";
            }
            case "crashonce" -> {
                Path marker = Path.of(arg);
                if (!Files.exists(marker)) {
                    Files.createFile(marker);
                    Runtime.getRuntime().halt(3);
                }
                yield "survived";
            }
            case "scratch" -> {
                String then = arg.substring(0, arg.indexOf(':'));
                Path file = Path.of(arg.substring(arg.indexOf(':') + 1));
                WorkerMain.scratch(file);
                Files.write(file, new byte[1 << 20]); // killed mid-write, as far as the pool can tell
                switch (then) {
                    case "halt" -> Runtime.getRuntime().halt(3);
                    case "sleep" -> Thread.sleep(20_000);
                    default -> { }
                }
                yield "kept";
            }
            case "touch" -> {
                Files.createFile(Path.of(arg));
                yield "touched";
            }
            case "meet" -> {
                Path dir = Path.of(arg);
                Files.createTempFile(dir, "meet", "");
                long end = System.nanoTime() + 10_000_000_000L;
                long seen;
                do {
                    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                        seen = files.count();
                    }
                    if (seen < 2) Thread.sleep(10);
                } while (seen < 2 && System.nanoTime() < end);
                yield (seen >= 2 ? "met " : "alone ") + pid;
            }
            case "exitnoise" -> {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        java.io.FileOutputStream stdout = new java.io.FileOutputStream(java.io.FileDescriptor.out);
                        stdout.write("Launching child process to assemble AOT cache\n".getBytes(StandardCharsets.UTF_8));
                        stdout.flush();
                        Thread.sleep(500);
                        Files.createFile(Path.of(arg));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
                yield "registered";
            }
            case "print" -> {
                System.out.println("stray output that must not reach the protocol stream");
                System.out.flush();
                yield arg;
            }
            default -> throw new IllegalArgumentException("unknown command " + command);
        };
        return result.getBytes(StandardCharsets.UTF_8);
    }
}

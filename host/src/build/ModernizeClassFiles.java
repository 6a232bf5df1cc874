import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Build step, run on the shaded gpupool.jar by the host POM: rewrites its Java 5 class files
 * (picocli's, Thumbnailator's) as Java 8 class files, the same bytecode with the stack maps Java 6+
 * class files carry. Why: the JDK's AOT cache (JEP 483) refuses classes older than Java 6, so without
 * this every start of gpupool loads and verifies picocli's 228 classes from the jar with the old
 * verifier: about 40 ms of a 150 ms start-up. Each rewritten class must pass the ClassFile API's
 * verifier, else it stays as it was.
 *
 * <p>Usage: {@code java ModernizeClassFiles.java JAR} (rewrites JAR in place, atomically).
 */
public final class ModernizeClassFiles {
    private static final int JAVA_6 = 50, JAVA_8 = 52;

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Map<ZipEntry, byte[]> entries = new LinkedHashMap<>();
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                byte[] b = in.readAllBytes();
                entries.put(e, b);
                if (e.getName().endsWith(".class")) classes.put(e.getName(), b);
            }
        }
        // Stack maps need the class hierarchy: from the jar itself, then from the JDK.
        ClassHierarchyResolver fromJar = ClassHierarchyResolver.ofResourceParsing(desc -> {
            String s = desc.descriptorString();
            byte[] b = classes.get(s.substring(1, s.length() - 1) + ".class");
            return b == null ? null : new ByteArrayInputStream(b);
        });
        ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                ClassFile.ClassHierarchyResolverOption.of(fromJar.orElse(ClassHierarchyResolver.defaultResolver())));
        int rewritten = 0, kept = 0;
        for (Map.Entry<ZipEntry, byte[]> e : entries.entrySet()) {
            byte[] b = e.getValue();
            if (!e.getKey().getName().endsWith(".class") || b.length < 8 || ((b[6] & 0xff) << 8 | (b[7] & 0xff)) >= JAVA_6) continue;
            try {
                ClassModel model = cf.parse(b);
                // Rebuilding every method body (not copying it) is what makes the API generate stack maps.
                byte[] modern = cf.transformClass(model, ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                        .andThen(ClassTransform.endHandler(c -> c.withVersion(JAVA_8, 0))));
                if (cf.verify(modern).isEmpty()) {
                    e.setValue(modern);
                    rewritten++;
                    continue;
                }
            } catch (RuntimeException ex) {
                // kept below
            }
            kept++;
        }
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (Map.Entry<ZipEntry, byte[]> e : entries.entrySet()) {
                ZipEntry copy = new ZipEntry(e.getKey().getName());
                copy.setTime(e.getKey().getTime());
                out.putNextEntry(copy);
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("ModernizeClassFiles: " + rewritten + " Java 5 class files rewritten as Java 8"
                + (kept > 0 ? ", " + kept + " kept as they were (did not verify)" : "") + " in " + jar.getFileName());
    }
}

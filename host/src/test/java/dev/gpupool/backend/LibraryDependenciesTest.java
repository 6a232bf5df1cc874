package dev.gpupool.backend;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a library user's build gets transitively from gpupool-host: the dependencies of host/ and
 * fallback-cpu/ that are neither optional nor test/provided scoped. A new one must be added here on
 * purpose (the CLI's, the benchmarks' and the device bindings' are optional; see host/pom.xml).
 */
class LibraryDependenciesTest {

    private static Set<String> transitive(Path pom) throws Exception {
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        Element deps = (Element) doc.getDocumentElement().getElementsByTagName("dependencies").item(0);
        Set<String> out = new TreeSet<>();
        NodeList list = deps.getElementsByTagName("dependency");
        for (int i = 0; i < list.getLength(); i++) {
            Element d = (Element) list.item(i);
            String scope = text(d, "scope"), optional = text(d, "optional");
            if ("true".equals(optional) || "test".equals(scope) || "provided".equals(scope)) continue;
            out.add(text(d, "groupId") + ":" + text(d, "artifactId"));
        }
        return out;
    }

    private static String text(Element e, String tag) {
        NodeList n = e.getElementsByTagName(tag);
        return n.getLength() == 0 ? null : n.item(0).getTextContent().trim();
    }

    @Test
    void theLibraryDependsOnlyOnWhatItsCoreUses() throws Exception {
        Path host = Path.of("pom.xml").toAbsolutePath();
        assertEquals(Set.of(
                "dev.gpupool:gpupool-fallback-cpu",           // codecs, resampler, CPU worker processes
                "com.fasterxml.jackson.core:jackson-databind" // the batch report and trace (dev.gpupool.thumbnail)
        ), transitive(host));
        assertEquals(Set.of(                                 // the codecs' ImageIO plugins
                "com.twelvemonkeys.imageio:imageio-jpeg", "com.twelvemonkeys.imageio:imageio-webp",
                "com.twelvemonkeys.imageio:imageio-tiff", "com.twelvemonkeys.imageio:imageio-bmp"
        ), transitive(host.resolveSibling("../fallback-cpu/pom.xml").normalize()));
    }
}

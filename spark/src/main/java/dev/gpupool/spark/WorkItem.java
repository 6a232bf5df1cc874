package dev.gpupool.spark;

import java.io.Serializable;
import java.util.List;

/**
 * One input of a job, planned on the driver so that every attempt of a task does exactly the same.
 *
 * @param index   its place in the job's input order
 * @param given   the input as named in the report (a path, URI or URL)
 * @param source  what to read: a qualified Hadoop path URI ({@code file:/..}, {@code hdfs://..}) or an http(s) URL; null when failed
 * @param outputs one qualified output URI per size; empty when failed
 * @param error   why it cannot be an input at all, else null
 */
record WorkItem(long index, String given, String source, List<String> outputs, String error) implements Serializable {
    WorkItem {
        outputs = List.copyOf(outputs);
    }

    boolean isUrl() {
        return source != null && (source.startsWith("http://") || source.startsWith("https://"));
    }
}

package dev.gpupool.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.IOException;
import java.nio.file.Path;

/** An in-process HDFS (one NameNode, one DataNode) on loopback with free ports, for the tests that need a real one. */
final class MiniHdfs {
    private MiniHdfs() {
    }

    /** Starts it with its storage under {@code baseDir}; the caller shuts it down. */
    static MiniDFSCluster start(Path baseDir) throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toString());
        conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        conf.setBoolean("dfs.permissions.enabled", false);
        MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).nameNodeHttpPort(0).build();
        hdfs.waitActive();
        return hdfs;
    }
}

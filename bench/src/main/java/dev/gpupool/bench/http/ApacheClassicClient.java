package dev.gpupool.bench.http;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;

import java.io.IOException;
import java.net.URI;

/**
 * Apache HttpClient 5's classic (blocking) client on platform threads, with a pooling connection
 * manager sized to the concurrency (its default of 5 a route would queue the lanes) and its own
 * retries and redirects off, so that the batch's one retry rule is the only one. A body is read
 * whole by {@link EntityUtils#toByteArray(HttpEntity)} inside the response handler, which gives the
 * connection back to the pool when it returns.
 */
final class ApacheClassicClient implements Client.Blocking {
    private final PoolingHttpClientConnectionManager connections;
    private final CloseableHttpClient client;

    ApacheClassicClient(int concurrency) {
        connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(concurrency).setMaxConnPerRoute(concurrency).build();
        client = org.apache.hc.client5.http.impl.classic.HttpClients.custom().setConnectionManager(connections)
                .disableRedirectHandling().disableAutomaticRetries().disableContentCompression().build();
    }

    @Override
    public Reply get(URI uri) throws IOException {
        return client.execute(new HttpGet(uri), response -> {
            HttpEntity entity = response.getEntity();
            byte[] body = entity == null ? new byte[0] : EntityUtils.toByteArray(entity);
            return new Reply(response.getCode(), body, String.valueOf(response.getVersion()));
        });
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}

package dev.gpupool.thumbnail;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Bodies in flight hold their bytes in the budget: waiting when the rest will come back, failing when it never can. */
class BodyBudgetTest {

    @Test
    void aKnownLengthWaitsUntilAnotherImageGivesItsBytesBack() throws Exception {
        BodyBudget b = new BodyBudget(1000);
        BodyBudget.Lease first = b.lease();
        first.growTo(800, true);
        first.complete();
        BodyBudget.Lease second = b.lease();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                second.growTo(500, true);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(200);
        assertFalse(waiting.isDone(), "800 + 500 > 1000: waits");
        assertEquals(800, b.inUse());
        first.close();
        waiting.get(5, TimeUnit.SECONDS);
        assertEquals(500, b.inUse());
        assertEquals(500, second.held());
        second.close();
        assertEquals(0, b.inUse());
    }

    @Test
    void aBodyLargerThanTheWholeBudgetFailsAtOnceInOneLine() {
        BodyBudget b = new BodyBudget(1 << 20);
        IOException e = assertThrows(BodyBudget.NeverFits.class, () -> b.lease().growTo(3 << 20, true));
        assertEquals("a body of 3 MiB is larger than the memory budget for bodies in flight (1 MiB; raise --memory-budget)", e.getMessage());
        assertEquals(0, b.inUse());
    }

    @Test
    void growingBodiesThatFillTheBudgetFailTheirTryInsteadOfWaitingForEachOther() throws Exception {
        BodyBudget b = new BodyBudget(1000);
        BodyBudget.Lease a = b.lease(), c = b.lease();
        a.growTo(600, false);
        c.growTo(400, false);
        // Both still arriving, nothing complete: waiting could be for ever.
        IOException e = assertThrows(IOException.class, () -> a.growTo(700, false));
        assertFalse(e instanceof BodyBudget.NeverFits, "worth retrying");
        assertEquals(600, a.held(), "the failed try keeps its bytes until the fetcher resets it");
        a.reset();
        assertEquals(400, b.inUse());
        // Once a complete body holds part of it, a growing body waits for that part.
        c.complete();
        a.growTo(600, false);
        CompletableFuture<Void> grows = CompletableFuture.runAsync(() -> {
            try {
                a.growTo(900, false);
            } catch (IOException x) {
                throw new RuntimeException(x);
            }
        });
        Thread.sleep(200);
        assertFalse(grows.isDone());
        c.close();
        grows.get(5, TimeUnit.SECONDS);
        assertEquals(900, b.inUse());
    }
}

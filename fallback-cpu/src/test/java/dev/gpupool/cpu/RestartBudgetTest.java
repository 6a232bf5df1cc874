package dev.gpupool.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When worker failures fail the pool: the decisions alone, on counts. */
class RestartBudgetTest {
    private final List<RuntimeException> failures = new ArrayList<>();
    private final RestartBudget budget = new RestartBudget(new Object(), failures::add, 2);

    @Test
    void aSecondStartFailureBeforeAnyWorkerWasReadyIsAStartUpProblem() {
        assertNull(budget.startFailure("killed from outside"), "one retry");
        WorkerStartException e = budget.startFailure("Unrecognized VM option");
        assertTrue(e.noWorkerStarted());
        assertEquals("worker processes cannot start here: Unrecognized VM option", e.getMessage());
    }

    @Test
    void onceAWorkerWasReadyFailuresSpendTheBudgetUntilATaskCompletes() {
        budget.ready();
        assertNull(budget.startFailure("a"));
        assertNull(budget.death("b"));
        budget.taskCompleted();
        assertNull(budget.death("c"));
        assertNull(budget.death("d"));
        WorkerStartException e = budget.death("e");
        assertFalse(e.noWorkerStarted());
        assertEquals("giving up after 3 worker failures in a row with no task completing; last: e", e.getMessage());
    }

    @Test
    void aHandlerMissingFromTheClassPathIsAStartUpProblemOnlyBeforeAnyWorkerWasReady() {
        assertTrue(budget.handlerFailure("java.lang.ClassNotFoundException: x.Y").noWorkerStarted());
        assertFalse(budget.handlerFailure("cannot create handler: boom").noWorkerStarted());
        budget.ready();
        assertFalse(budget.handlerFailure("java.lang.ClassNotFoundException: x.Y").noWorkerStarted());
    }

    @Test
    void theSlotsEntryPointsFailThePoolWithTheDecision() {
        budget.startFailed("first"); // a retry: waits its backoff, fails nothing
        assertTrue(failures.isEmpty());
        budget.startFailed("second");
        assertEquals(1, failures.size());
        budget.handlerCannotStart("boom");
        assertEquals("boom", failures.get(1).getMessage());
    }
}

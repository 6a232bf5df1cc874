package dev.gpupool.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The crash verdict as a table: how the process ended, attempt, alone, pool open -> action, reason. */
class CrashVerdictTest {

    @ParameterizedTest(name = "{0}, crash #{1}, alone={2}, open={3} -> {4} {5}")
    @CsvSource(nullValues = "-", textBlock = """
            # end,               crashes, alone, open,  action,      reason
            # A first crash: the task may be the cause, or a neighbour: it runs again, alone.
            CRASHED,             1,       false, true,  RETRY_ALONE, -
            CRASHED,             1,       true,  true,  RETRY_ALONE, -
            # A second crash alone: it is the cause.
            CRASHED,             2,       true,  true,  FAIL,        CRASHED_TWICE
            CRASHED,             2,       true,  false, FAIL,        CRASHED_TWICE
            CRASHED,             3,       true,  true,  FAIL,        CRASHED_TWICE
            # A second crash with others in the process proves nothing: alone once more.
            CRASHED,             2,       false, true,  RETRY_ALONE, -
            # Nothing is retried once the pool was killed or failed.
            CRASHED,             1,       false, false, FAIL,        POOL_STOPPED
            CRASHED,             2,       false, false, FAIL,        POOL_STOPPED
            # Its own timeout: fails, whatever else holds.
            TIMED_OUT,           0,       true,  true,  FAIL,        TIMED_OUT
            TIMED_OUT,           1,       false, true,  FAIL,        TIMED_OUT
            TIMED_OUT,           0,       true,  false, FAIL,        TIMED_OUT
            # Killed for another task's timeout or cancellation: not its fault, requeued uncounted.
            KILLED_FOR_ANOTHER,  0,       false, true,  REQUEUE,     -
            KILLED_FOR_ANOTHER,  1,       false, true,  REQUEUE,     -
            KILLED_FOR_ANOTHER,  0,       false, false, FAIL,        POOL_STOPPED
            # The pool is going: everything in the process fails with the pool.
            SHUTDOWN,            0,       false, true,  FAIL,        POOL_STOPPED
            SHUTDOWN,            1,       true,  false, FAIL,        POOL_STOPPED
            """)
    void verdict(CrashVerdict.End end, int crashes, boolean alone, boolean open,
                 CrashVerdict.Action action, CrashVerdict.Reason reason) {
        assertEquals(new CrashVerdict(action, reason), CrashVerdict.of(end, crashes, alone, open));
    }
}

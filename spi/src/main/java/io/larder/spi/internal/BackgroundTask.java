package io.larder.spi.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A daemon thread that runs one piece of engine upkeep (sweeping, flushing) every period, and keeps
 * running when that work throws: each failure is counted and logged, the first at once and later
 * ones at most once a minute with the count since, so a failing disk does not flood the log.
 *
 * <p>{@link #close()} stops the thread and waits for the run in progress to finish, whatever the
 * caller's interrupt status (which it restores), so an engine can free what the work touches right
 * after it. Not part of the contract: engines of this project share it.
 */
public final class BackgroundTask implements AutoCloseable {

    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String name;
    private final Runnable work;
    private final long periodNanos;
    private final Logger log;
    private final Thread thread;
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean stopping;
    private long lastLoggedNanos;
    private long failuresAtLastLog;

    private BackgroundTask(String name, Duration period, Runnable work, Logger log) {
        this.name = Objects.requireNonNull(name, "name");
        this.work = Objects.requireNonNull(work, "work");
        this.log = Objects.requireNonNull(log, "log");
        this.periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Objects.requireNonNull(period, "period").toNanos());
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    /**
     * Starts a task that runs {@code work} every {@code period}, first after one period.
     *
     * @param name the thread's name, also used in log lines
     * @param period the delay between the end of one run and the start of the next; at least 1 ms is used
     * @param work what to run; whatever it throws is counted and logged, and the next run goes ahead
     * @param log where failures are logged
     * @return the running task
     */
    public static BackgroundTask start(String name, Duration period, Runnable work, Logger log) {
        BackgroundTask task = new BackgroundTask(name, period, work, log);
        task.thread.start();
        return task;
    }

    /** {@return how many runs have thrown since the task started} */
    public long failures() {
        return failures.get();
    }

    /** {@return whether the calling thread is this task's thread} */
    public boolean isCurrentThread() {
        return Thread.currentThread() == thread;
    }

    private void loop() {
        while (pauseOnePeriod()) {
            try {
                work.run();
            } catch (Throwable t) {
                failed(t);
                if (t instanceof VirtualMachineError) {
                    // Out of memory or similar: give the JVM a moment rather than spinning on it.
                    if (!pauseOnePeriod()) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * Waits one full period, or less if the task is stopping. Parks until a deadline rather than once,
     * because a park returns early on a spurious wakeup, and at once, again and again, while the
     * thread's interrupt flag is set; the flag is cleared because nothing here answers it (only
     * {@link #close()} stops the task).
     *
     * @return false if the task is stopping
     */
    private boolean pauseOnePeriod() {
        long deadline = System.nanoTime() + periodNanos;
        while (!stopping) {
            Thread.interrupted();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            LockSupport.parkNanos(this, left);
        }
        return false;
    }

    private void failed(Throwable t) {
        long count = failures.incrementAndGet();
        long now = System.nanoTime();
        if (count == 1 || now - lastLoggedNanos >= LOG_EVERY_NANOS) {
            long since = count - failuresAtLastLog;
            lastLoggedNanos = now;
            failuresAtLastLog = count;
            log.log(Level.WARNING, () -> name + " failed (" + since + " failure(s) since the last report, "
                    + count + " in all); it keeps running", t);
        }
    }

    /**
     * Stops the task and waits until its thread has ended, so nothing it touches is used after this
     * returns. Ignores and then restores the caller's interrupt status. Called from the task's own
     * thread, it only asks the loop to stop. Idempotent.
     */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(thread);
        if (isCurrentThread()) {
            return;
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

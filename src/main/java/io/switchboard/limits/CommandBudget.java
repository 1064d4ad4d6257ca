package io.switchboard.limits;

/**
 * One connection's command allowance: a {@link TokenBucket} of commands, and a second one of refusals, so
 * a client that keeps sending through its {@code 429}s is closed: it may be refused {@code maxRefusals}
 * times in a burst, and that allowance refills at a tenth of it per second. A client that only now and
 * then goes over the rate is never closed; one that floods is closed within {@code maxRefusals} commands.
 * Touched only by the connection's WebSocket thread (one frame at a time), so it needs no locking.
 */
public final class CommandBudget {

    /** What to do with the command that just arrived. */
    public enum Verdict { ALLOW, REFUSE, CLOSE }

    private final TokenBucket commands;
    private final TokenBucket refusals;

    public CommandBudget(double perSecond, int burst, int maxRefusals, long nowNanos) {
        this.commands = new TokenBucket(perSecond, burst, nowNanos);
        this.refusals = new TokenBucket(maxRefusals / 10.0, maxRefusals, nowNanos);
    }

    public Verdict admit(long nowNanos) {
        if (commands.tryTake(nowNanos)) {
            return Verdict.ALLOW;
        }
        return refusals.tryTake(nowNanos) ? Verdict.REFUSE : Verdict.CLOSE;
    }
}

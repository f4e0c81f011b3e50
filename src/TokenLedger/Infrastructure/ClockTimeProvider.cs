using NodaTime;

namespace TokenLedger.Infrastructure;

/// <summary>
/// The service's <see cref="IClock"/> as a <see cref="TimeProvider"/>, for the libraries that date what they write with
/// one: Marten stamps each event's <c>timestamp</c> (mt_events, read by the audit and a hold's history) from it, so every
/// instant the ledger records or reads comes from the one clock a test can pin.
/// </summary>
public sealed class ClockTimeProvider(IClock clock) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => clock.GetCurrentInstant().ToDateTimeOffset();
}

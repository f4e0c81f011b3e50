using System.Diagnostics;
using NodaTime;

namespace TokenLedger.IntegrationTests.Fixtures;

/// <summary>
/// The clock of the services the integration tests start (unless a test pins one with a <see cref="NodaTime.Testing.FakeClock"/>):
/// it starts at <see cref="Epoch.Start"/> when the test run starts, runs with the real time that passes (a monotonic
/// stopwatch, never the wall clock), and moves forward when a test says so (<see cref="Advance"/>: a key's expiry, a
/// hold's time to live). Why it runs rather than stands still: docs/testing.md.
/// </summary>
public sealed class RunningClock(Instant start) : IClock
{
    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private long _advancedTicks;

    public Instant GetCurrentInstant() =>
        start + Duration.FromTicks(_elapsed.Elapsed.Ticks) + Duration.FromTicks(Interlocked.Read(ref _advancedTicks));

    /// <summary>Moves the clock forward by <paramref name="by"/> for every service and test that reads it.</summary>
    public void Advance(Duration by)
    {
        if (by < Duration.Zero) throw new ArgumentOutOfRangeException(nameof(by), "the clock only moves forward");
        Interlocked.Add(ref _advancedTicks, by.BclCompatibleTicks);
    }
}

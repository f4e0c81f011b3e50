using System.Diagnostics;
using NodaTime;
using NodaTime.Text;

namespace TokenLedger.Api.Hosting;

/// <summary>
/// The service's <see cref="IClock"/>: the system clock, unless TOKENLEDGER_CLOCK_START names an instant (RFC 3339 with
/// Z), when the clock starts there and runs with the real time that passes. The integration tests set it on the service
/// they run as its own process (the console's, the vendor SDKs'), so it keeps the same time as the services they start
/// in memory on their own clock (docs/testing.md); in memory, tests replace IClock through dependency injection.
/// </summary>
public static class ServiceClock
{
    public const string Variable = "TOKENLEDGER_CLOCK_START";

    public static IClock From(string? start)
    {
        if (string.IsNullOrWhiteSpace(start)) return SystemClock.Instance;
        var parsed = InstantPattern.ExtendedIso.Parse(start.Trim());
        return parsed.Success
            ? new StartedAt(parsed.Value)
            : throw new InvalidOperationException($"{Variable}={start} is not an RFC 3339 instant with Z, such as 2026-09-15T00:00:00Z");
    }

    private sealed class StartedAt(Instant start) : IClock
    {
        private readonly Stopwatch _elapsed = Stopwatch.StartNew();

        public Instant GetCurrentInstant() => start + Duration.FromTicks(_elapsed.Elapsed.Ticks);
    }
}

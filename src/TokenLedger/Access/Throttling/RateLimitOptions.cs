namespace TokenLedger.Access.Throttling;

/// <summary>
/// Request rates, section <c>TokenLedger:RateLimits</c>. Authenticated callers get a token bucket per key id; requests whose
/// key fails authentication get one per client address. The defaults are far above what one gateway needs: the ingest
/// benchmark's 5,000+ events/s from one key are 5+ requests/s of 1,000 items over HTTP (and AMQP is not limited here).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "TokenLedger:RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Requests per second one key may keep up.</summary>
    public int PerKeyPerSecond { get; set; } = 1_000;

    /// <summary>Requests one key may send at once after a quiet spell.</summary>
    public int PerKeyBurst { get; set; } = 2_000;

    /// <summary>Failed authentications per second from one client address.</summary>
    public int FailedAuthPerSecond { get; set; } = 10;

    /// <summary>Failed authentications one client address may send at once.</summary>
    public int FailedAuthBurst { get; set; } = 50;

    public string? Invalid() =>
        PerKeyPerSecond is < 1 or > 1_000_000 ? $"{Section}:PerKeyPerSecond is {PerKeyPerSecond}: give 1 to 1000000"
        : PerKeyBurst < PerKeyPerSecond || PerKeyBurst > 10_000_000 ? $"{Section}:PerKeyBurst is {PerKeyBurst}: give PerKeyPerSecond to 10000000"
        : FailedAuthPerSecond is < 1 or > 1_000_000 ? $"{Section}:FailedAuthPerSecond is {FailedAuthPerSecond}: give 1 to 1000000"
        : FailedAuthBurst < FailedAuthPerSecond || FailedAuthBurst > 10_000_000 ? $"{Section}:FailedAuthBurst is {FailedAuthBurst}: give FailedAuthPerSecond to 10000000"
        : null;
}

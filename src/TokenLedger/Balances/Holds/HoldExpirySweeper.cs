using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Infrastructure;

namespace TokenLedger.Balances.Holds;

public sealed class HoldOptions
{
    public const string Section = "TokenLedger:Holds";

    /// <summary>How often open holds past their expiry are looked for and expired (0 turns the sweeper off).</summary>
    public int SweepSeconds { get; set; } = 1;
}

/// <summary>
/// Records <see cref="HoldExpired"/> for holds past their expiry, under the tenant's hold lock, so funding releases them.
/// Two instances sweeping at once expire each hold once: the second sees the first's fact in the stream.
/// </summary>
public sealed class HoldExpirySweeper(IDocumentStore store, HoldDesk desk, IClock clock, IOptions<HoldOptions> options, ILogger<HoldExpirySweeper> logger)
    : RecurringService(logger)
{
    protected override TimeSpan Interval => TimeSpan.FromSeconds(options.Value.SweepSeconds);
    protected override string WorkName => "Hold expiry sweep";

    protected override Task RunPassAsync(CancellationToken ct) => SweepAsync(ct);

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var nowMs = now.ToUnixTimeMilliseconds();
        List<string> due;
        await using (var session = store.QuerySession())
            due = [.. await session.Query<TenantAccount>().Where(a => a.NextHoldExpiryUnixMs != null && a.NextHoldExpiryUnixMs <= nowMs).Select(a => a.Id).Take(1000).ToListAsync(ct)];
        var expired = 0;
        foreach (var tenantId in due)
        {
            expired += await desk.DecideAsync(tenantId, turn =>
            {
                var facts = HoldDecider.Expire(turn.Position, tenantId, now);
                turn.Append([.. facts]);
                return Task.FromResult(facts.Count);
            }, ct);
        }
        return expired;
    }
}

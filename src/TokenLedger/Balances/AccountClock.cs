using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;
using TokenLedger.Infrastructure;

namespace TokenLedger.Balances;

public sealed class AccountClockOptions
{
    /// <summary>How often accounts with something due (expiry, renewal, a window rolling) are looked for.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Appends <see cref="AccountClockTicked"/> to accounts whose next due instant has passed, so expiries, renewals and
/// window recoveries are decided even when no usage arrives. A tick is a fact about time: two instances ticking the same
/// account decide nothing twice, because the decider only acts on what is still due.
/// </summary>
public sealed class AccountClock(IDocumentStore store, IClock clock, IOptions<AccountClockOptions> options, ILogger<AccountClock> logger) : BackgroundService
{
    private readonly Dictionary<string, Instant> _ticked = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "The account clock could not tick; trying again in {Interval}", options.Value.Interval);
            }
        }
    }

    public async Task<int> TickAsync(CancellationToken ct)
    {
        var now = clock.GetCurrentInstant();
        var nowMs = now.ToUnixTimeMilliseconds();
        List<string> due;
        await using (var query = store.QuerySession())
            due = [.. await query.Query<TenantAccount>().Where(a => a.NextDueAtUnixMs != null && a.NextDueAtUnixMs <= nowMs)
                .Select(a => a.Id).Take(1000).ToListAsync(ct)];
        foreach (var stale in _ticked.Where(kv => now - kv.Value > Duration.FromMinutes(1)).Select(kv => kv.Key).ToList()) _ticked.Remove(stale);
        // Not again while the previous tick is still being decided.
        var toTick = due.Where(t => !_ticked.TryGetValue(t, out var last) || now - last >= Duration.FromSeconds(30)).ToList();
        if (toTick.Count == 0) return 0;
        await StreamConflicts.RetryAsync(5, async () =>
        {
            await using var session = store.LightweightSession();
            // One query for every due stream's version, then each tick is appended right after the version read.
            var streamVersions = await session.StreamVersionsAsync([.. toTick.Select(AccountStreams.For)], ct);
            foreach (var tenantId in toTick)
            {
                var stream = AccountStreams.For(tenantId);
                session.AppendAfter(stream, streamVersions.TryGetValue(stream, out var version) ? version : null, new AccountClockTicked(tenantId, now));
            }
            await session.SaveChangesAsync(ct);
            return true;
        }, ct);
        foreach (var tenantId in toTick) _ticked[tenantId] = now;
        return toTick.Count;
    }
}

using System.Net;
using System.Net.Http.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NodaTime.Testing;
using Shouldly;
using TokenLedger.Balances;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Balances;

/// <summary>
/// <see cref="AccountClock"/> ticks every due account in one transaction, each tick appended right after the stream
/// version it read for all of them in one query; funding then decides what time alone decided (here, credits expiring).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class account_clock_ticks(LedgerFixture fixture)
{
    [Fact]
    public async Task one_tick_reaches_every_due_account_at_the_version_it_read()
    {
        var book = await UnitPriceBookAsync(fixture);
        var tenants = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var tenant = await TenantAsync(fixture, book, "clock");
            await Eventually.Until(async () => (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/top-ups", new { amount = 1, currency = "CNY", requestId = "warm" })).StatusCode,
                code => code == HttpStatusCode.OK, TimeSpan.FromSeconds(60));
            (await fixture.Operator.PostAsJsonAsync($"/api/tenants/{tenant}/credits",
                new { amount = 2 + i, currency = "CNY", expiresAt = Epoch.UtcNow.AddSeconds(3), reason = "trial", requestId = "c1" })).EnsureSuccessStatusCode();
            tenants.Add(tenant);
        }
        var store = fixture.App.Host.Services.GetRequiredService<IDocumentStore>();
        var before = new Dictionary<string, long>();
        await using (var query = store.QuerySession())
            foreach (var tenant in tenants) before[tenant] = (await query.Events.FetchStreamStateAsync(AccountStreams.For(tenant)))!.Version;
        Epoch.Clock.Advance(NodaTime.Duration.FromSeconds(4));
        var now = new FakeClock(Epoch.Now);
        var clock = new AccountClock(store, now, Options.Create(new AccountClockOptions()), NullLogger<AccountClock>.Instance);

        (await clock.TickAsync(CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(3);

        await using (var query = store.QuerySession())
            foreach (var tenant in tenants)
            {
                var ticks = (await query.Events.FetchStreamAsync(AccountStreams.For(tenant), fromVersion: before[tenant] + 1))
                    .Where(e => e.Data is AccountClockTicked t && t.At == now.GetCurrentInstant()).ToList();
                ticks.Count.ShouldBe(1, $"{tenant} ticked once at the clock's instant");
            }
        for (var i = 0; i < tenants.Count; i++)
        {
            var expired = await Eventually.Until(() => BalanceAsync(fixture, tenants[i]), b => b.Dec("totals.creditsExpired") > 0, TimeSpan.FromSeconds(30), "the credit to expire");
            expired.Dec("totals.creditsExpired").ShouldBe(2m + i);
        }
    }
}

using System.Net.Http.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using Npgsql;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Pricing.RatingUnratedUsage;
using TokenLedger.Pricing.RatingUsage;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Pricing;

/// <summary>
/// A tenant change rates the tenant's unrated retail side, and nothing else: usage whose retail side is rated and whose
/// wholesale side stays unrated (no wholesale book for its payer) is not rated again on every tenant PUT.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class late_rating_after_a_tenant_change(LedgerFixture fixture)
{
    [Fact]
    public async Task a_tenant_change_rates_only_its_unrated_retail_side()
    {
        var book = await UnitPriceBookAsync(fixture);
        var tenant = LedgerFixture.NewTenantId("late");
        await PostUsageAsync(fixture, [UsageOf(tenant, 1_000)]);
        (await fixture.Operator.PutAsJsonAsync($"/api/tenants/{tenant}", new { name = "Late", retailPriceBookId = book })).EnsureSuccessStatusCode();
        await PostUsageAsync(fixture, [UsageOf(tenant, 2_000)]);
        // The PUT's own late rating rates the first event's retail side; the second was rated on arrival.
        await Eventually.Until(() => UnratedAsync(tenant, "retail"), n => n == 0, what: "the tenant's retail side rated");
        (await UnratedAsync(tenant, "wholesale")).ShouldBe(2);

        var rated = await RateForTenantAsync(tenant);

        rated.ShouldBe(0L, "a tenant change has nothing left to rate: only the wholesale sides are unrated, and no tenant change rates them");
    }

    private async Task<long> UnratedAsync(string tenant, string side)
    {
        await using var command = fixture.App.Host.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            $"select count(*) from tokenledger.usage_facts where tenant_id = @t and {side}_status = 'unrated'");
        command.Parameters.AddWithValue("t", tenant);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs the late-rating handler for the tenant's scope to the end; how many of the tenant's events it rated.</summary>
    private async Task<long> RateForTenantAsync(string tenant)
    {
        var services = fixture.App.Host.Services;
        var store = services.GetRequiredService<IDocumentStore>();
        var before = await RatingsOfAsync(tenant);
        await RateUnratedUsageHandler.Handle(new RateUnratedUsage(TenantId: tenant), store, services.GetRequiredService<RatingCatalogSource>(),
            services.GetRequiredService<IClock>(), NullLogger<RateUnratedUsage>.Instance, CancellationToken.None);
        return await RatingsOfAsync(tenant) - before;
    }

    /// <summary>
    /// Ratings recorded for the tenant's events, counted in PostgreSQL: every <see cref="UsageBatchRated"/> rating whose
    /// event id starts with the tenant's prefix (<see cref="UsageOf"/> names its events "{tenant}-…"), without loading
    /// every batch of the shared database into the test.
    /// </summary>
    private async Task<long> RatingsOfAsync(string tenant)
    {
        var services = fixture.App.Host.Services;
        var events = (Marten.Events.EventGraph)((DocumentStore)services.GetRequiredService<IDocumentStore>()).Options.Events;
        await using var command = services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "select count(*) from tokenledger.mt_events e cross join lateral jsonb_array_elements(e.data -> 'ratings') r " +
            "where e.type = @type and starts_with(r ->> 'eventId', @prefix)");
        command.Parameters.AddWithValue("type", events.EventMappingFor(typeof(UsageBatchRated)).EventTypeName);
        command.Parameters.AddWithValue("prefix", tenant + "-");
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using static TokenLedger.IntegrationTests.Balances.AccountScenario;

namespace TokenLedger.IntegrationTests.Balances;

/// <summary>How a page funded usage is one stream per Funding page, found per tenant through funded_usage_pages.</summary>
[Collection(LedgerCollection.Name)]
public sealed class funded_usage_pages(LedgerFixture fixture)
{
    [Fact]
    public async Task each_tenants_usage_funded_is_in_a_page_stream_and_indexed_under_that_tenant_only()
    {
        var book = await UnitPriceBookAsync(fixture);
        var first = await TenantAsync(fixture, book);
        var second = await TenantAsync(fixture, book);
        await PostUsageAsync(fixture, [UsageOf(first, 5), UsageOf(second, 7), UsageOf(first, 11)]);
        await FundedAsync(fixture, first, 2);
        await FundedAsync(fixture, second, 1);

        var firsts = await FundedEventsAsync(first);
        firsts.SelectMany(e => e.EventIds).Count().ShouldBe(2);
        firsts.ShouldAllBe(e => e.Stream.StartsWith("funded-usage:") && e.Type == "usage_funded" && e.TenantId == first);
        var seconds = await FundedEventsAsync(second);
        seconds.SelectMany(e => e.EventIds).Count().ShouldBe(1);
        seconds.ShouldAllBe(e => e.TenantId == second);
        (await DecisionStreamTypesAsync(first)).ShouldNotContain("usage_funded");
    }

    private async Task<List<(string Stream, string Type, string TenantId, List<string> EventIds)>> FundedEventsAsync(string tenant)
    {
        var db = fixture.App.Host.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = db.CreateCommand(
            "select e.stream_id, e.type, e.data ->> 'tenantId', array(select i ->> 'eventId' from jsonb_array_elements(e.data -> 'items') i) " +
            "from tokenledger.funded_usage_pages p join tokenledger.mt_events e on e.stream_id = p.stream_id and e.version = p.version where p.tenant_id = $1");
        command.Parameters.AddWithValue(tenant);
        var rows = new List<(string, string, string, List<string>)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), [.. reader.GetFieldValue<string[]>(3)]));
        return rows;
    }

    private async Task<List<string>> DecisionStreamTypesAsync(string tenant)
    {
        var db = fixture.App.Host.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = db.CreateCommand("select type from tokenledger.mt_events where stream_id = $1");
        command.Parameters.AddWithValue($"funding:{tenant}");
        var types = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) types.Add(reader.GetString(0));
        return types;
    }
}

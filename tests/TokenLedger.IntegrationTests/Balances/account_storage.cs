using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;

namespace TokenLedger.IntegrationTests.Balances;

/// <summary>How the account documents Funding rewrites on every page are stored (docs/operations.md, account columns).</summary>
[Collection(LedgerCollection.Name)]
public sealed class account_storage(LedgerFixture fixture)
{
    [Fact]
    public async Task no_index_of_the_account_table_reads_the_document_so_a_rewrite_can_stay_on_its_page()
    {
        var db = fixture.App.Host.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = db.CreateCommand(
            "select indexname, indexdef from pg_indexes where schemaname = 'tokenledger' and tablename = 'mt_doc_tenantaccount'");
        var indexes = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) indexes[reader.GetString(0)] = reader.GetString(1);

        indexes.Values.ShouldNotContain(definition => definition.Contains("data", StringComparison.Ordinal));
        indexes.Values.ShouldContain(definition => definition.Contains("(next_due_at_unix_ms)", StringComparison.Ordinal));
        indexes.Values.ShouldContain(definition => definition.Contains("(next_hold_expiry_unix_ms)", StringComparison.Ordinal));
    }
}

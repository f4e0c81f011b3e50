using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using NodaTime;
using Npgsql;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Infrastructure;
using TokenLedger.Usage.LoggingRejectedUsage;
using TokenLedger.Usage.PruningDeadLetters;

namespace TokenLedger.IntegrationTests.Usage;

/// <summary>The record of refused usage keeps 90 days (the default) and is pruned in bounded deletes.</summary>
[Collection(LedgerCollection.Name)]
public sealed class pruning_dead_letters(LedgerFixture fixture)
{
    private static readonly string Table = $"{LedgerSchema.Name}.{RejectedUsageLog.TableName}";

    [Fact]
    public async Task rows_older_than_the_retention_are_deleted_in_several_statements_and_younger_ones_are_kept()
    {
        var marker = LedgerFixture.NewTenantId("prune");
        var db = fixture.App.Host.Services.GetRequiredService<NpgsqlDataSource>();
        var manyOld = DeadLetterPruner.RowsPerStatement * 2 + 7;
        await ExecuteAsync(db,
            $"insert into {Table} (id, received_at, channel, field, reason, reason_key, event_id, sample) " +
            "select gen_random_uuid(), @at, 'amqp', 'item', 'old', 'old', @marker || '-old-' || n, '{}' from generate_series(1, @count) n",
            ("at", new DateTimeOffset(2019, 12, 31, 0, 0, 0, TimeSpan.Zero)), ("marker", marker), ("count", manyOld));
        await InsertAsync(db, marker, "just-old", new DateTimeOffset(2020, 1, 1, 23, 59, 59, TimeSpan.Zero));
        await InsertAsync(db, marker, "at-cutoff", new DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero));
        await InsertAsync(db, marker, "young", new DateTimeOffset(2020, 3, 1, 0, 0, 0, TimeSpan.Zero));

        var pruner = fixture.App.Host.Services.GetServices<IHostedService>().OfType<DeadLetterPruner>().Single();
        var deleted = await pruner.PruneOnceAsync(Instant.FromUtc(2020, 4, 1, 0, 0), CancellationToken.None);

        deleted.ShouldBe(manyOld + 1);
        (await RemainingAsync(db, marker)).ShouldBe(["at-cutoff", "young"]);
        (await pruner.PruneOnceAsync(Instant.FromUtc(2020, 4, 1, 0, 0), CancellationToken.None)).ShouldBe(0);
        await ExecuteAsync(db, $"delete from {Table} where event_id like @marker || '-%'", ("marker", marker));
    }

    private static Task InsertAsync(NpgsqlDataSource db, string marker, string name, DateTimeOffset at) =>
        ExecuteAsync(db,
            $"insert into {Table} (id, received_at, channel, field, reason, reason_key, event_id, sample) " +
            "values (gen_random_uuid(), @at, 'http', 'item', 'old', 'old', @marker || '-' || @name, '{}')",
            ("at", at), ("marker", marker), ("name", name));

    private static async Task<List<string>> RemainingAsync(NpgsqlDataSource db, string marker)
    {
        await using var command = db.CreateCommand(
            $"select substr(event_id, length(@marker) + 2) from {Table} where event_id like @marker || '-%' order by received_at");
        command.Parameters.AddWithValue("marker", marker);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return names;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = db.CreateCommand(sql);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }
}

using Marten;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using Shouldly;
using TokenLedger.IntegrationTests.Fixtures;
using TokenLedger.Pricing;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Usage;

namespace TokenLedger.IntegrationTests.Usage;

/// <summary>The usage_facts row of a usage event holds its usage and both sides of its rating, whichever way the events arrive.</summary>
[Collection(PinnedClockCollection.Name)]
public sealed class projecting_usage_facts(PinnedClockLedgerFixture fixture)
{
    private static readonly Instant June2 = Instant.FromDateTimeOffset(Epoch.MonthsAgo(3).At(2, 11));

    private IDocumentStore Store => fixture.App.Host.Services.GetRequiredService<IDocumentStore>();

    private static UsageRecord Record(string tenant, string eventId, long input) => new(eventId, tenant, "deepseek-v4-pro", June2, input, 10, 0, 50);

    private static SideRating Rated(string book, decimal input, decimal output) =>
        SideRating.Of(new Charge(book, 1, "CNY", "deepseek-v4-pro", 0, 0m, input, 0.002m, 0m, output));

    private async Task<Guid> AppendAsync(string streamKey, params object[] events)
    {
        await using var session = Store.LightweightSession();
        var stream = session.Events.StartStream(streamKey, events);
        await session.SaveChangesAsync();
        return stream.Events[^1].Id;
    }

    private async Task<Dictionary<string, object?>> RowAsync(string eventId)
    {
        var db = fixture.App.Host.Services.GetRequiredService<NpgsqlDataSource>();
        await using var command = db.CreateCommand(
            "select tenant_id, input_tokens, output_tokens, payer, retail_status, retail_amount, retail_rated_by, retail_price_book, " +
            "wholesale_status, wholesale_reason, wholesale_amount, wholesale_rated_by from tokenledger.usage_facts where event_id = $1");
        command.Parameters.AddWithValue(eventId);
        await using var reader = await command.ExecuteReaderAsync();
        reader.Read().ShouldBeTrue($"no usage_facts row for {eventId}");
        var row = Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i));
        reader.Read().ShouldBeFalse();
        return row;
    }

    [Fact]
    public async Task a_batch_recorded_and_rated_together_is_one_row_per_event_with_its_usage_and_both_sides()
    {
        var tenant = LedgerFixture.NewTenantId("facts");
        var batch = $"b-{Guid.NewGuid():N}";
        var records = new[] { Record(tenant, $"{tenant}-1", 1_000), Record(tenant, $"{tenant}-2", 2_000) };
        var ratings = new[]
        {
            new UsageRating(records[0].EventId, "house", Rated("retail-book", 0.002m, 0.0004m), SideRating.Unrated("no wholesale book")),
            new UsageRating(records[1].EventId, "house", Rated("retail-book", 0.004m, 0.0004m), Rated("whole-book", 0.001m, 0.0001m)),
        };
        var ratedBy = await AppendAsync(UsageStreams.ForBatch(batch),
            new UsageBatchRecorded(batch, "http", June2, records), new UsageBatchRated(batch, June2, ratings));

        var first = await RowAsync(records[0].EventId);
        first["tenant_id"].ShouldBe(tenant);
        first["input_tokens"].ShouldBe(1_000L);
        first["payer"].ShouldBe("house");
        first["retail_status"].ShouldBe("rated");
        first["retail_amount"].ShouldBe(0.0044m);
        first["retail_rated_by"].ShouldBe(ratedBy);
        first["wholesale_status"].ShouldBe("unrated");
        first["wholesale_reason"].ShouldBe("no wholesale book");
        first["wholesale_rated_by"].ShouldBeNull();
        var second = await RowAsync(records[1].EventId);
        second["input_tokens"].ShouldBe(2_000L);
        second["retail_amount"].ShouldBe(0.0064m);
        second["wholesale_amount"].ShouldBe(0.0031m);
        second["wholesale_rated_by"].ShouldBe(ratedBy);
    }

    [Fact]
    public async Task a_later_rating_fills_only_the_sides_still_unrated_and_names_the_event_that_rated_each()
    {
        var tenant = LedgerFixture.NewTenantId("facts");
        var batch = $"b-{Guid.NewGuid():N}";
        var record = Record(tenant, $"{tenant}-1", 1_000);
        await AppendAsync(UsageStreams.ForBatch(batch), new UsageBatchRecorded(batch, "http", June2, [record]));
        var unrated = await RowAsync(record.EventId);
        unrated["retail_status"].ShouldBeNull();
        unrated["payer"].ShouldBeNull();

        var retailBy = await AppendAsync(UsageStreams.ForBatch($"late-{batch}"), new UsageBatchRated($"late-{batch}", June2,
            [new UsageRating(record.EventId, "house", Rated("retail-book", 0.002m, 0.0004m), SideRating.Unrated("no wholesale book"))]));
        var wholesaleBy = await AppendAsync(UsageStreams.ForBatch($"later-{batch}"), new UsageBatchRated($"later-{batch}", June2,
            [new UsageRating(record.EventId, "house", Rated("other-book", 9m, 9m), Rated("whole-book", 0.001m, 0.0001m))]));

        var row = await RowAsync(record.EventId);
        row["payer"].ShouldBe("house");
        row["retail_status"].ShouldBe("rated");
        row["retail_price_book"].ShouldBe("retail-book");
        row["retail_amount"].ShouldBe(0.0044m);
        row["retail_rated_by"].ShouldBe(retailBy);
        row["wholesale_status"].ShouldBe("rated");
        row["wholesale_reason"].ShouldBeNull();
        row["wholesale_amount"].ShouldBe(0.0031m);
        row["wholesale_rated_by"].ShouldBe(wholesaleBy);
    }
}

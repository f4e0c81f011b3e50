using Marten;
using NodaTime;
using Npgsql;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing;
using TokenLedger.Pricing;
using TokenLedger.Pricing.PriceBooks;
using TokenLedger.Usage.GettingUsage;

namespace TokenLedger.Usage.Facts;

/// <summary>
/// Which rated usage one settlement counts: the retail side of a tenant's billing period (what an invoice billed, or all of
/// it), or the wholesale side of what a distributor paid for in a month. Start and End bound occurredAt, half-open.
/// </summary>
public sealed record VolumeScope(string Side, string Condition, Instant Start, Instant End, string Key)
{
    public static VolumeScope Invoice(string invoiceId, Interval period, string schema) =>
        new("retail", $"f.event_id in (select i.event_id from {schema}.{InvoicedUsage.TableName} i where i.invoice_id = @key)", period.Start, period.End, invoiceId);

    public static VolumeScope Tenant(string tenantId, Interval period) => new("retail", "f.tenant_id = @key", period.Start, period.End, tenantId);

    public static VolumeScope Payer(string distributorId, Interval month) => new("wholesale", "f.payer = @key", month.Start, month.End, distributorId);
}

/// <summary>
/// Settles volume schedules from <c>usage_facts</c>: the scope's rated usage is grouped by the price book that rated it,
/// and each book's schedules are those of its version in force at the period's last instant (<see cref="PriceBookHistory.VersionAt"/>
/// at End − 1 tick), applied to all of that book's usage of the period whatever version rated it. Books without a
/// schedule cost one query. The amounts are the charges as rated (re-rating adjustments are not discounted).
/// </summary>
public static class VolumeDiscounts
{
    public static async Task<IReadOnlyList<VolumeTierDiscount>> SettleAsync(
        NpgsqlConnection connection, string schema, IQuerySession session, VolumeScope scope, CancellationToken ct)
    {
        var side = scope.Side;
        var where = $"from {schema}.{UsageFactsProjection.TableName} f where {scope.Condition} and f.{side}_status = 'rated' " +
                    "and f.occurred_at >= @start and f.occurred_at < @end ";
        var books = new List<string>();
        await using (var command = Command(connection, $"select distinct f.{side}_price_book {where}", scope))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) books.Add(reader.GetString(0));
        if (books.Count == 0) return [];

        var schedules = new Dictionary<string, IReadOnlyList<ModelVolumeSchedule>>(StringComparer.Ordinal);
        foreach (var book in await session.LoadManyAsync<PriceBook>(ct, books.Select(PriceBookStreams.For)))
            if (new PriceBookHistory(book.PriceBookId, book.Versions).VersionAt(scope.End - Duration.Epsilon)?.VolumeSchedules is { Count: > 0 } list)
                schedules[book.PriceBookId] = list;
        if (schedules.Count == 0) return [];

        var usage = new Dictionary<string, List<RatedUsage>>(StringComparer.Ordinal);
        await using (var command = Command(connection,
            $"select f.event_id, f.occurred_at, f.input_tokens, f.cached_input_tokens, f.cache_write_tokens, f.output_tokens, f.{side}_price_book, " +
            $"f.{side}_version, f.{side}_currency, f.{side}_model, f.{side}_input, f.{side}_cached_input, f.{side}_cache_write, f.{side}_output " +
            where + $"and f.{side}_price_book = any(@books)", scope))
        {
            command.Parameters.AddWithValue("books", schedules.Keys.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var book = reader.GetString(6);
                var charge = new Charge(book, reader.GetInt32(7), reader.GetString(8), reader.GetString(9), 0, 0m,
                    reader.GetDecimal(10), reader.GetDecimal(11), reader.GetDecimal(12), reader.GetDecimal(13));
                var tokens = new TokenCounts(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
                var at = reader.GetInstant(1);
                (usage.TryGetValue(book, out var list) ? list : usage[book] = []).Add(new RatedUsage(reader.GetString(0), at, tokens, charge));
            }
        }
        return [.. usage.OrderBy(u => u.Key, StringComparer.Ordinal).SelectMany(u => ScheduleSettlement.Settle(u.Key, schedules[u.Key], u.Value))];
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, VolumeScope scope)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("key", scope.Key);
        command.Parameters.AddWithValue("start", scope.Start.ToDateTimeOffset());
        command.Parameters.AddWithValue("end", scope.End.ToDateTimeOffset());
        return command;
    }
}

using Marten;
using Npgsql;
using NodaTime;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Reconciliation;

namespace TokenLedger.Usage.Facts;

/// <summary>
/// The distributor's usage of a month per day, at each of its places in a chain, (in the statement's zone) and priced model (the wholesale book's model,
/// else the usage's), with its wholesale cost (0 for usage not rated yet). Optionally only usage reported with one provider.
/// The expected cost is net of the distributor's wholesale volume discounts, settled over the month in the statement's
/// zone: each discounted event's discount comes off its day and model.
/// </summary>
public sealed class LedgerDays(NpgsqlDataSource db, IDocumentStore store)
{
    // The distributor's cost at every place it holds in a chain: as the payer (its wholesale book), and as a party above the
    // payer (usage_hop_charges: what it pays its own upstream for tokens it sells on to a sub-distributor). Its upstream's
    // statement bills both.
    private static readonly string Sql =
        "select (u.occurred_at at time zone @zone)::date, u.model, sum(u.input_tokens)::bigint, sum(u.cached_input_tokens)::bigint, " +
        "sum(u.cache_write_tokens)::bigint, sum(u.output_tokens)::bigint, coalesce(sum(u.cost), 0) from (" +
        "select f.occurred_at, coalesce(f.wholesale_model, f.model) as model, f.input_tokens, f.cached_input_tokens, f.cache_write_tokens, " +
        $"f.output_tokens, f.wholesale_amount as cost from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
        $"where f.payer = @distributor and {InPeriod} " +
        "union all " +
        "select f.occurred_at, coalesce(f.wholesale_model, f.model), f.input_tokens, f.cached_input_tokens, f.cache_write_tokens, f.output_tokens, h.cost " +
        $"from {LedgerSchema.Name}.{UsageHopCharges.TableName} h join {LedgerSchema.Name}.{UsageFactsProjection.TableName} f on f.event_id = h.event_id " +
        $"where h.party = @distributor and {InPeriod}) u " +
        "group by 1, 2";

    private const string InPeriod =
        "f.occurred_at >= @start and f.occurred_at < @end and (@provider::text is null or coalesce(f.provider, '') = @provider)";

    public async Task<IReadOnlyList<LedgerDay>> ReadAsync(string distributorId, string? provider, PeriodSpan period, DateTimeZone zone, CancellationToken ct)
    {
        var interval = period.In(zone);
        await using var command = db.CreateCommand(Sql);
        command.Parameters.AddWithValue("zone", zone.Id);
        command.Parameters.AddWithValue("distributor", distributorId);
        command.Parameters.AddWithValue("start", interval.Start.ToDateTimeOffset());
        command.Parameters.AddWithValue("end", interval.End.ToDateTimeOffset());
        command.Parameters.Add(new NpgsqlParameter("provider", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)provider ?? DBNull.Value });
        var days = new List<LedgerDay>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                days.Add(new LedgerDay(LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(0)), reader.GetString(1),
                    new TokenTotals(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)), reader.GetDecimal(6)));
        var discounts = await VolumeByDayAsync(distributorId, provider, interval, zone, ct);
        return [.. days.Select(d => discounts.TryGetValue((d.Date, d.Model), out var off) ? d with { Amount = d.Amount - off } : d)];
    }

    private async Task<Dictionary<(LocalDate, string), decimal>> VolumeByDayAsync(string distributorId, string? provider, Interval month, DateTimeZone zone, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var session = store.QuerySession();
        var byEvent = (await VolumeDiscounts.SettleAsync(connection, LedgerSchema.Name, session, VolumeScope.Payer(distributorId, month), ct))
            .SelectMany(t => t.Events).GroupBy(e => e.EventId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(e => e.Discount), StringComparer.Ordinal);
        var byDay = new Dictionary<(LocalDate, string), decimal>();
        if (byEvent.Count == 0) return byDay;
        await using var command = new NpgsqlCommand(
            "select f.event_id, (f.occurred_at at time zone @zone)::date, coalesce(f.wholesale_model, f.model) " +
            $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
            "where f.event_id = any(@ids) and (@provider::text is null or coalesce(f.provider, '') = @provider)", connection);
        command.Parameters.AddWithValue("zone", zone.Id);
        command.Parameters.AddWithValue("ids", byEvent.Keys.ToArray());
        command.Parameters.Add(new NpgsqlParameter("provider", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)provider ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = (LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(1)), reader.GetString(2));
            byDay[key] = byDay.GetValueOrDefault(key) + byEvent[reader.GetString(0)];
        }
        return byDay;
    }
}

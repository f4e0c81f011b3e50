using Npgsql;
using NodaTime;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Reconciliation;

namespace TokenLedger.Usage.Facts;

/// <summary>
/// The distributor's usage of a month per day (in the statement's zone) and priced model (the wholesale book's model,
/// else the usage's), with its wholesale cost (0 for usage not rated yet). Optionally only usage reported with one provider.
/// </summary>
public sealed class LedgerDays(NpgsqlDataSource db)
{
    private static readonly string Sql =
        "select (f.occurred_at at time zone @zone)::date, coalesce(f.wholesale_model, f.model), sum(f.input_tokens)::bigint, " +
        "sum(f.cached_input_tokens)::bigint, sum(f.cache_write_tokens)::bigint, sum(f.output_tokens)::bigint, coalesce(sum(f.wholesale_amount), 0) " +
        $"from {LedgerSchema.Name}.{UsageFactsProjection.TableName} f " +
        "where f.payer = @distributor and f.occurred_at >= @start and f.occurred_at < @end and (@provider::text is null or coalesce(f.provider, '') = @provider) " +
        "group by 1, 2";

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
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            days.Add(new LedgerDay(LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(0)), reader.GetString(1),
                new TokenTotals(reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)), reader.GetDecimal(6)));
        return days;
    }
}

using Marten;
using Npgsql;
using NodaTime;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing;
using TokenLedger.Prepayment.Drawdowns;
using TokenLedger.Usage.Facts;

namespace TokenLedger.Prepayment.GettingExposure;

/// <summary>
/// Reads what <see cref="Exposure.Compute"/> needs as the ledger knew it at the as-of instant: deposits recorded by then,
/// drawdowns of usage rated by then (and that usage, by tenant, invoice and age), and the standing of those invoices.
/// </summary>
public sealed class ExposureQuery(NpgsqlDataSource db, IDocumentStore store, InvoiceSettlements settlements)
{
    private static readonly string Schema = LedgerSchema.Name;

    private static readonly string DrawnSql =
        $"select rated_by, usage_provider from {Schema}.{PrepaymentDrawdowns.TableName} where distributor_id = @distributor and rated_at <= @asOf";

    private static readonly string ConsumedSql =
        $"select coalesce(sum(amount), 0) from {Schema}.{PrepaymentDrawdowns.TableName} where distributor_id = @distributor and rated_at <= @asOf";

    public async Task<ExposureReport> ReadAsync(string distributorId, Instant asOf, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var deposits = (await session.Events.FetchStreamAsync(PrepaymentStreams.Facts(distributorId), token: ct))
            .Select(e => e.Data).OfType<UpstreamDepositRecorded>().Where(d => d.RecordedAt <= asOf).ToList();
        var account = await session.LoadAsync<PrepaymentAccount>(distributorId, ct);

        var consumed = (decimal)(await Command(ConsumedSql, distributorId, asOf).ExecuteScalarAsync(ct))!;
        var usage = await UsageAsync(distributorId, asOf, ct);
        var invoiceIds = usage.Select(u => u.InvoiceId).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var invoices = await settlements.StandingsAsync(invoiceIds, asOf, ct);
        return Exposure.Compute(distributorId, asOf, account?.Currency, deposits.Sum(d => d.Amount), consumed, usage, invoices);
    }

    /// <summary>The usage behind the drawdowns of usage rated by <paramref name="asOf"/>, by tenant, invoice and age.</summary>
    private async Task<List<DrawnUsage>> UsageAsync(string distributorId, Instant asOf, CancellationToken ct)
    {
        var drawn = new List<DrawnRating>();
        await using (var command = Command(DrawnSql, distributorId, asOf))
        await using (var reader = await command.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) drawn.Add(new DrawnRating(reader.GetGuid(0), reader.GetString(1)));
        return (await UsageFactsForExposure.DrawnUsageAsync(db, distributorId, asOf, drawn, ct))
            .Select(u => new DrawnUsage(u.TenantId, u.InvoiceId, Exposure.AgeBucket(Math.Max(0, u.AgeDays)), u.Cost)).ToList();
    }

    private NpgsqlCommand Command(string sql, string distributorId, Instant asOf)
    {
        var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("distributor", distributorId);
        command.Parameters.AddWithValue("asOf", asOf.ToDateTimeOffset());
        return command;
    }
}

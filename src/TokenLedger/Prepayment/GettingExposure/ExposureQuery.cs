using Marten;
using Npgsql;
using NodaTime;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing;
using TokenLedger.Pricing.RatingUsage;
using TokenLedger.Prepayment.Drawdowns;
using TokenLedger.Usage.GettingUsage;

namespace TokenLedger.Prepayment.GettingExposure;

/// <summary>
/// Reads what <see cref="Exposure.Compute"/> needs as the ledger knew it at the as-of instant: deposits recorded by then,
/// drawdowns of usage rated by then (and that usage, by tenant, invoice and age), and the standing of those invoices.
/// </summary>
public sealed class ExposureQuery(NpgsqlDataSource db, IDocumentStore store, InvoiceSettlements settlements)
{
    private static readonly string Schema = LedgerSchema.Name;

    private static readonly string UsageSql =
        "select f.tenant_id, i.invoice_id, floor(extract(epoch from (@asOf - f.occurred_at)) / 86400)::bigint as age, sum(f.wholesale_amount) " +
        $"from {Schema}.{PrepaymentDrawdowns.TableName} w " +
        $"join {Schema}.{UsageFactsProjection.TableName} f on f.{UsageCharges.WholesaleRatedBy} = w.rated_by and f.payer = w.distributor_id and coalesce(f.provider, '') = w.usage_provider " +
        $"left join {Schema}.{InvoicedUsage.TableName} i on i.event_id = f.event_id " +
        "where w.distributor_id = @distributor and w.rated_at <= @asOf group by 1, 2, 3";

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

    private async Task<List<DrawnUsage>> UsageAsync(string distributorId, Instant asOf, CancellationToken ct)
    {
        await using var command = Command(UsageSql, distributorId, asOf);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<DrawnUsage>();
        while (await reader.ReadAsync(ct))
            rows.Add(new DrawnUsage(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                Exposure.AgeBucket(Math.Max(0, reader.GetInt64(2))), reader.GetDecimal(3)));
        return rows;
    }

    private NpgsqlCommand Command(string sql, string distributorId, Instant asOf)
    {
        var command = db.CreateCommand(sql);
        command.Parameters.AddWithValue("distributor", distributorId);
        command.Parameters.AddWithValue("asOf", asOf.ToDateTimeOffset());
        return command;
    }
}

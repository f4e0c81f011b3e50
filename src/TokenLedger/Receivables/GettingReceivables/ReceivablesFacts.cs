using NodaTime;
using Npgsql;
using TokenLedger.Infrastructure;
using TokenLedger.Tenants;

namespace TokenLedger.Receivables.GettingReceivables;

public sealed record TenantTerms(string TenantId, string Currency, DateTimeZone Zone);

/// <summary>
/// Everything the finance views need as of an instant; the views are pure functions of it. <see cref="Invoiced90Days"/>
/// holds the tenants a view lists on its page (or all, for CSV); <see cref="Invoiced90DaysByCurrency"/> every tenant.
/// </summary>
public sealed record ReceivablesFacts(
    Instant AsOf, IReadOnlyList<InvoiceStanding> Open, IReadOnlyDictionary<string, decimal> Invoiced90Days,
    IReadOnlyDictionary<string, decimal> Invoiced90DaysByCurrency, IReadOnlyDictionary<string, decimal?> CreditLimits,
    IReadOnlyDictionary<string, TenantTerms> Tenants);

public sealed class ReceivablesFactsReader(NpgsqlDataSource db, ReceivablesLedger ledger)
{
    private const string Schema = LedgerSchema.Name;
    public static readonly Duration DsoWindow = Duration.FromDays(90);

    /// <summary>
    /// The facts for every tenant with something open (or the one asked for), without per-tenant invoicing: a view ranks
    /// the tenants first and reads that only for the ones it lists (<see cref="WithInvoicedAsync"/>). Queries run at once.
    /// </summary>
    public async Task<ReceivablesFacts> ReadAsync(Instant asOf, string? tenantId, CancellationToken ct)
    {
        var open = ledger.InvoicesAsOf(asOf, tenantId, openOnly: true, ct);
        var byCurrency = InvoicedByCurrencyAsync(asOf, tenantId, ct);
        var limits = LimitsAsync(asOf, tenantId, ct);
        await Task.WhenAll(open, byCurrency, limits);
        var ids = open.Result.Select(i => i.TenantId).Append(tenantId).OfType<string>().Distinct().ToArray();
        return new ReceivablesFacts(asOf, open.Result, new Dictionary<string, decimal>(), byCurrency.Result, limits.Result, await TenantsAsync(ids, ct));
    }

    public async Task<ReceivablesFacts> WithInvoicedAsync(ReceivablesFacts facts, IReadOnlyCollection<string> tenants, CancellationToken ct) =>
        facts with { Invoiced90Days = await InvoicedAsync(facts.AsOf, DsoWindow, tenants, ct) };

    /// <summary>The risk inputs that need history, for the listed tenants only.</summary>
    public async Task<AssessingRisk.RiskFacts> RiskFactsAsync(ReceivablesFacts facts, IReadOnlyCollection<string> tenants, CancellationToken ct)
    {
        var delays = PaymentDelaysAsync(facts.AsOf, tenants, ct);
        var year = InvoicedAsync(facts.AsOf, Duration.FromDays(365), tenants, ct);
        var withInvoiced = WithInvoicedAsync(facts, tenants, ct);
        await Task.WhenAll(delays, year, withInvoiced);
        return new AssessingRisk.RiskFacts(withInvoiced.Result, delays.Result, year.Result);
    }

    /// <summary>Amount invoiced (amountDue) per tenant with issuedAt in (asOf − window, asOf], for the given tenants.</summary>
    public async Task<Dictionary<string, decimal>> InvoicedAsync(Instant asOf, Duration window, IReadOnlyCollection<string> tenants, CancellationToken ct)
    {
        var sums = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (tenants.Count == 0) return sums;
        // Many tenants (CSV): one pass over the window's invoices beats thousands of key lookups.
        var many = tenants.Count > 500;
        await using var command = db.CreateCommand(
            $"select tenant_id, sum(amount_due) from {Schema}.{ReceivablesProjection.Invoices} where " + (many ? "" : "tenant_id = any(@tenants) and ") +
            "issued_at > @from and issued_at <= @asOf and amount_due > 0 group by tenant_id");
        if (!many) command.Parameters.AddWithValue("tenants", tenants.ToArray());
        command.Parameters.AddWithValue("from", (asOf - window).ToDateTimeOffset());
        command.Parameters.AddWithValue("asOf", asOf.ToDateTimeOffset());
        await using var reader = await command.ExecuteReaderAsync(ct);
        var wanted = many ? tenants.ToHashSet(StringComparer.Ordinal) : null;
        while (await reader.ReadAsync(ct))
            if (wanted is null || wanted.Contains(reader.GetString(0))) sums[reader.GetString(0)] = reader.GetDecimal(1);
        return sums;
    }

    private async Task<Dictionary<string, decimal>> InvoicedByCurrencyAsync(Instant asOf, string? tenantId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"select currency, sum(amount_due) from {Schema}.{ReceivablesProjection.Invoices} where issued_at > @from and issued_at <= @asOf and amount_due > 0" +
            (tenantId is null ? "" : " and tenant_id = @tenant") + " group by currency");
        command.Parameters.AddWithValue("from", (asOf - DsoWindow).ToDateTimeOffset());
        command.Parameters.AddWithValue("asOf", asOf.ToDateTimeOffset());
        if (tenantId is not null) command.Parameters.AddWithValue("tenant", tenantId);
        var sums = new Dictionary<string, decimal>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) sums[reader.GetString(0)] = reader.GetDecimal(1);
        return sums;
    }

    /// <summary>Mean days after due of payment allocations recorded in (asOf − 90d, asOf] and in the 90 days before that, per tenant.</summary>
    public async Task<Dictionary<string, (decimal? Recent, decimal? Before)>> PaymentDelaysAsync(Instant asOf, IReadOnlyCollection<string> tenants, CancellationToken ct)
    {
        var delays = new Dictionary<string, (decimal?, decimal?)>(StringComparer.Ordinal);
        if (tenants.Count == 0) return delays;
        await using var command = db.CreateCommand(
            $"select tenant_id, avg(days_after_due) filter (where recorded_at > @mid), avg(days_after_due) filter (where recorded_at <= @mid) " +
            $"from {Schema}.{ReceivablesProjection.Movements} where tenant_id = any(@tenants) and kind = 'payment' and recorded_at > @from and recorded_at <= @asOf group by tenant_id");
        command.Parameters.AddWithValue("tenants", tenants.ToArray());
        command.Parameters.AddWithValue("from", (asOf - DsoWindow - DsoWindow).ToDateTimeOffset());
        command.Parameters.AddWithValue("mid", (asOf - DsoWindow).ToDateTimeOffset());
        command.Parameters.AddWithValue("asOf", asOf.ToDateTimeOffset());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            delays[reader.GetString(0)] = (reader.IsDBNull(1) ? null : reader.GetDecimal(1), reader.IsDBNull(2) ? null : reader.GetDecimal(2));
        return delays;
    }

    private async Task<Dictionary<string, decimal?>> LimitsAsync(Instant asOf, string? tenantId, CancellationToken ct)
    {
        await using var command = db.CreateCommand(
            $"select distinct on (tenant_id) tenant_id, credit_limit from {Schema}.{ReceivablesProjection.CreditLimits} where set_at <= @asOf" +
            (tenantId is null ? "" : " and tenant_id = @tenant") + " order by tenant_id, set_at desc, seq desc");
        command.Parameters.AddWithValue("asOf", asOf.ToDateTimeOffset());
        if (tenantId is not null) command.Parameters.AddWithValue("tenant", tenantId);
        var limits = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) limits[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetDecimal(1);
        return limits;
    }

    private async Task<Dictionary<string, TenantTerms>> TenantsAsync(string[] ids, CancellationToken ct) =>
        (await TenantDocuments.CurrencyAndZoneAsync(db, ids, ct))
            .ToDictionary(t => t.TenantId, t => new TenantTerms(t.TenantId, t.Currency, t.Zone), StringComparer.Ordinal);
}

using JasperFx;
using Marten;
using NodaTime;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing;
using TokenLedger.Receivables;
using TokenLedger.Tenants;

namespace TokenLedger.Bench.Phases;

/// <summary>
/// Seeds --finance-tenants tenants with --finance-months monthly invoices each and the payments that settled them, by
/// appending the service's own events (TenantRegistered, InvoiceIssued, PaymentReceived) through a Marten store
/// configured exactly as the service's, so the same inline projections fill the same read model. Payment behaviour
/// per tenant (deterministic from the seed): 85 % pay 15–35 days after issue, 10 % 40–100 days, 5 % stop paying for
/// their last 3–5 invoices. A payment is recorded a day after it is received, and only if that is in the past.
/// </summary>
public sealed class FinanceSeed(BenchOptions options)
{
    private const int TenantsPerSession = 50;
    private static readonly string[] Zones = ["Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "Europe/Berlin", "America/New_York"];

    public async Task<(int Invoices, int Payments, double Seconds)> RunAsync(string runTag, Instant now, CancellationToken ct)
    {
        using var store = DocumentStore.For(o =>
        {
            o.Connection(options.Postgres);
            o.ConfigureLedger();
            o.AutoCreateSchemaObjects = AutoCreate.None;
        });
        var started = System.Diagnostics.Stopwatch.StartNew();
        var invoices = 0;
        var payments = 0;
        var batches = Enumerable.Range(0, (options.FinanceTenants + TenantsPerSession - 1) / TenantsPerSession).ToList();
        await Live.ProgressAsync(async progress =>
        {
            var bar = progress.AddTask($"seeding {options.FinanceTenants:N0} tenants x {options.FinanceMonths} invoices", maxValue: options.FinanceTenants);
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, async (batch, token) =>
            {
                await using var session = store.LightweightSession();
                var first = batch * TenantsPerSession;
                var count = Math.Min(TenantsPerSession, options.FinanceTenants - first);
                for (var i = first; i < first + count; i++)
                {
                    var (issued, paid) = Tenant(session, runTag, i, now);
                    Interlocked.Add(ref invoices, issued);
                    Interlocked.Add(ref payments, paid);
                }
                await session.SaveChangesAsync(token);
                bar.Increment(count);
            });
            return 0;
        });
        // A bulk load leaves fresh tables without statistics or visibility map; in a running system autovacuum has long
        // caught up with a year of invoices. Do it now so the timings measure the queries, not the aftermath of the load.
        await using (var connection = new Npgsql.NpgsqlConnection(options.Postgres))
        {
            await connection.OpenAsync(ct);
            await using var vacuum = new Npgsql.NpgsqlCommand(
                $"vacuum analyze {LedgerSchema.Name}.{ReceivablesProjection.Invoices}, {LedgerSchema.Name}.{ReceivablesProjection.Movements}, {LedgerSchema.Name}.mt_doc_tenant",
                connection) { CommandTimeout = 600 };
            await vacuum.ExecuteNonQueryAsync(ct);
        }
        return (invoices, payments, started.Elapsed.TotalSeconds);
    }

    private (int Invoices, int Payments) Tenant(IDocumentSession session, string runTag, int index, Instant now)
    {
        var random = new Random(options.Seed * 7919 + index);
        var tenantId = $"{runTag}-ar-{index:D5}";
        var zone = DateTimeZoneProviders.Tzdb[Zones[index % Zones.Length]];
        var kind = random.NextDouble();
        var stopsAfter = kind >= 0.95 ? options.FinanceMonths - random.Next(3, 6) : int.MaxValue;
        session.Events.StartStream<Tenant>(TenantStreams.For(tenantId),
            new TenantRegistered(tenantId, $"Bench tenant {index}", zone.Id, "CNY", now - Duration.FromDays(400)));
        var thisMonth = now.InZone(zone).Date.With(DateAdjusters.StartOfMonth);
        var paymentEvents = new List<object>();
        for (var m = 0; m < options.FinanceMonths; m++)
        {
            var periodStart = thisMonth.PlusMonths(m - options.FinanceMonths);
            var issueDate = periodStart.PlusMonths(1);
            var issuedAt = issueDate.At(new LocalTime(1, 0)).InZoneLeniently(zone).ToInstant();
            if (issuedAt > now) continue;
            var amount = Math.Round((decimal)(100 + random.NextDouble() * 9_900), 2);
            var number = $"{tenantId}-{m + 1:D2}";
            var period = $"{periodStart:yyyy-MM}";
            var dueDate = issueDate.PlusDays(30);
            var streamKey = InvoiceStreams.For(tenantId, period);
            session.Events.StartStream<Invoice>(streamKey, new InvoiceIssued(streamKey, number, "house", tenantId, period,
                periodStart.AtStartOfDayInZone(zone).ToInstant(), issueDate.AtStartOfDayInZone(zone).ToInstant(), new InvoiceParty("House", [], null),
                new InvoiceParty(tenantId, [], null), [], issueDate, dueDate, "CNY", 6m, [], amount, 0m, amount, 0m, amount, issuedAt));
            if (m >= stopsAfter) continue;
            var delay = kind < 0.85 ? random.Next(15, 36) : kind < 0.95 ? random.Next(40, 101) : random.Next(15, 36);
            var receivedAt = issuedAt + Duration.FromDays(delay) + Duration.FromHours(random.Next(0, 10));
            var recordedAt = receivedAt + Duration.FromDays(1);
            if (recordedAt > now) continue;
            var reference = $"BENCH-{index:D5}-{m + 1:D2}";
            var daysAfterDue = Period.Between(dueDate, receivedAt.InZone(zone).Date, PeriodUnits.Days).Days;
            paymentEvents.Add(new PaymentReceived(tenantId, $"{tenantId}:payment:{reference}", reference, amount, "CNY", "bank-transfer", null,
                [new PaymentAllocation(number, amount, dueDate, daysAfterDue)], 0m, receivedAt, recordedAt, "bench"));
        }
        // Payments in recorded order, as the service would have appended them.
        if (paymentEvents.Count > 0)
            session.Events.StartStream<ReceivablesAccount>(ReceivableStreams.For(tenantId),
                paymentEvents.Cast<PaymentReceived>().OrderBy(p => p.RecordedAt).Cast<object>().ToArray());
        return (options.FinanceMonths, paymentEvents.Count);
    }
}

using System.Globalization;
using System.Text;
using Marten;
using NodaTime;
using TokenLedger.Invoicing;

namespace TokenLedger.Reconciliation;

/// <summary>Runs a reconciliation: the statement rows of the upload against the ledger as it is now, appended as the next run.</summary>
public sealed class ReconciliationRuns(LedgerDays ledger)
{
    public async Task<ReconciliationReported> RunAsync(UpstreamStatementUploaded upload, int run, Instant now, string requestedBy, CancellationToken ct)
    {
        PeriodSpan.TryParse(upload.Period, out var period);
        var zone = DateTimeZoneProviders.Tzdb[upload.TimeZone];
        var days = await ledger.ReadAsync(upload.DistributorId, upload.Provider, period, zone, ct);
        var inPeriod = upload.Rows.Where(r => period.Dates.Contains(r.Date)).ToList();
        var (findings, summary) = Reconciler.Compare(inPeriod, days, upload.Tolerances);
        return new ReconciliationReported(upload.ReportId, run, findings, summary, now, requestedBy);
    }

    public static async Task<UpstreamStatementUploaded?> UploadAsync(IQuerySession session, string reportId, CancellationToken ct) =>
        (await session.Events.FetchStreamAsync(ReconciliationStreams.For(reportId), token: ct)).Select(e => e.Data).OfType<UpstreamStatementUploaded>().FirstOrDefault();

    public static string Csv(ReconciliationReport report)
    {
        var csv = new StringBuilder("date,model,finding,within_tolerance,statement_input,statement_cached_input,statement_cache_write,statement_output,statement_amount," +
            "ledger_input,ledger_cached_input,ledger_cache_write,ledger_output,ledger_amount,difference_tokens,difference_amount,difference_percent,statement_line\n");
        foreach (var f in report.Findings ?? [])
        {
            var (st, lt) = (f.StatementTokens, f.LedgerTokens);
            csv.AppendLine(string.Join(",", new object?[]
            {
                f.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Quote(f.Model), f.Kind, f.WithinTolerance ? "true" : "false",
                st.Input, st.CachedInput, st.CacheWrite, st.Output, f.StatementAmount,
                lt.Input, lt.CachedInput, lt.CacheWrite, lt.Output, f.LedgerAmount,
                f.TokenDifference.Total, f.AmountDifference, f.DifferencePercent, f.StatementLine,
            }.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture))));
        }
        return csv.ToString();
    }

    private static string Quote(string text) => text.IndexOfAny([',', '"', '\n']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
}

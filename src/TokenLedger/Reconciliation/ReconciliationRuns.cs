using System.Globalization;
using System.Text;
using Marten;
using NodaTime;
using TokenLedger.Infrastructure;
using TokenLedger.Invoicing;
using TokenLedger.Usage.Facts;

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
            csv.AppendLine(CsvCells.Row(
                f.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), CsvCells.Text(f.Model), CsvCells.Text(f.Kind), CsvCells.Bool(f.WithinTolerance),
                CsvCells.Number(st.Input), CsvCells.Number(st.CachedInput), CsvCells.Number(st.CacheWrite), CsvCells.Number(st.Output), CsvCells.Number(f.StatementAmount),
                CsvCells.Number(lt.Input), CsvCells.Number(lt.CachedInput), CsvCells.Number(lt.CacheWrite), CsvCells.Number(lt.Output), CsvCells.Number(f.LedgerAmount),
                CsvCells.Number(f.TokenDifference.Total), CsvCells.Number(f.AmountDifference), CsvCells.Number(f.DifferencePercent), CsvCells.Number(f.StatementLine)));
        }
        return csv.ToString();
    }
}

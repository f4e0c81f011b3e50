using NodaTime;

namespace TokenLedger.Reconciliation;

/// <summary>One row of an upstream provider's statement: a day (in the statement's zone), a model, token counts and the amount billed.</summary>
public sealed record StatementRow(int Line, LocalDate Date, string Model, long InputTokens, long CachedInputTokens, long CacheWriteTokens, long OutputTokens, decimal Amount);

/// <summary>
/// How far apart the two sides may be and still match: money within max(<paramref name="Money"/>, ledger amount ×
/// <paramref name="RelativePercent"/>/100), and each token count within <paramref name="Tokens"/>.
/// </summary>
public sealed record Tolerances(decimal Money, decimal RelativePercent, long Tokens);

/// <summary>
/// A distributor uploaded an upstream provider's usage statement for a month, to reconcile against the wholesale cost the
/// ledger rated for the same days and models. The parsed rows are kept, so the reconciliation can be re-run.
/// </summary>
public sealed record UpstreamStatementUploaded(
    string ReportId, string DistributorId, string? Provider, string Period, string TimeZone, string Format, string FileName, string Sha256,
    IReadOnlyList<StatementRow> Rows, Tolerances Tolerances, Instant UploadedAt, string UploadedBy);

/// <summary>The statement was compared with the ledger (run 1 on upload, later runs on request) with these findings.</summary>
public sealed record ReconciliationReported(string ReportId, int Run, IReadOnlyList<Finding> Findings, ReconciliationSummary Summary, Instant ReportedAt, string RequestedBy);

public static class ReconciliationStreams
{
    public static string For(string reportId) => $"reconciliation:{reportId}";
}

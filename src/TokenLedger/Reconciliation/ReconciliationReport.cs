using NodaTime;

namespace TokenLedger.Reconciliation;

/// <summary>Inline snapshot of a reconciliation stream: the upload and its latest run. <see cref="Id"/> is the stream key.</summary>
public sealed partial record ReconciliationReport(
    string Id, string ReportId, string DistributorId, string? Provider, string Period, string TimeZone, string Format, string FileName,
    string Sha256, int StatementRows, Tolerances Tolerances, Instant UploadedAt, string UploadedBy,
    int Run = 0, IReadOnlyList<Finding>? Findings = null, ReconciliationSummary? Summary = null, Instant? ReportedAt = null)
{
    public static ReconciliationReport Create(UpstreamStatementUploaded e) => new(
        ReconciliationStreams.For(e.ReportId), e.ReportId, e.DistributorId, e.Provider, e.Period, e.TimeZone, e.Format, e.FileName,
        e.Sha256, e.Rows.Count, e.Tolerances, e.UploadedAt, e.UploadedBy);

    public ReconciliationReport Apply(ReconciliationReported e) =>
        this with { Run = e.Run, Findings = e.Findings, Summary = e.Summary, ReportedAt = e.ReportedAt };
}

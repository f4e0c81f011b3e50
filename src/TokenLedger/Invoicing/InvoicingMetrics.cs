using System.Diagnostics.Metrics;

namespace TokenLedger.Invoicing;

/// <summary>OpenTelemetry counters of invoice PDFs: rendered, or served from <c>invoice_pdfs</c> without rendering.</summary>
public sealed class InvoicingMetrics
{
    public const string Rendered = "tokenledger.invoice.pdf.rendered";
    public const string Stored = "tokenledger.invoice.pdf.stored";
    private readonly Counter<long> _rendered;
    private readonly Counter<long> _stored;

    public InvoicingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Usage.UsageMetrics.MeterName);
        _rendered = meter.CreateCounter<long>(Rendered, "{pdf}", "Invoice PDFs rendered (once per invoice and renderer version)");
        _stored = meter.CreateCounter<long>(Stored, "{pdf}", "Invoice PDFs served from invoice_pdfs without rendering");
    }

    public void PdfRendered() => _rendered.Add(1);

    public void PdfServedFromStore() => _stored.Add(1);
}

using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SkiaSharp;
using static TokenLedger.Invoicing.Rendering.InvoicePage;

namespace TokenLedger.Invoicing.Rendering;

/// <summary>
/// Renders an <see cref="InvoiceDocument"/> to an A4 PDF with SkiaSharp's PDF backend. Pure: no database, no clock;
/// the same document gives the same bytes (the PDF dates come from the issue date). Only the glyphs used are embedded
/// (see <see cref="EmbeddableFont"/>), so an invoice is a few hundred KB at most instead of 2.3 MB.
/// One renderer can be shared: it holds the loaded font and nothing per document.
/// </summary>
public sealed class InvoicePdfRenderer : IDisposable
{
    /// <summary>
    /// Names the layout this renderer draws. Rendered PDFs are stored under it (<see cref="RenderedInvoices"/>):
    /// change it with any change to what a PDF looks like, so that issued invoices are rendered again.
    /// </summary>
    public const string Version = "2026-12-07.1";
    private const int MaxLoggedCodePoints = 64;
    private readonly SKTypeface _typeface;
    private readonly ILogger _logger;

    /// <exception cref="FileNotFoundException">The font file is missing; the message names it and the apt package.</exception>
    public InvoicePdfRenderer(InvoiceFonts fonts, ILogger<InvoicePdfRenderer>? logger = null)
    {
        _typeface = EmbeddableFont.Load(fonts);
        _logger = logger ?? NullLogger<InvoicePdfRenderer>.Instance;
    }

    public InvoicePdfRenderer(string fontPath, ILogger<InvoicePdfRenderer>? logger = null)
        : this(new InvoiceFonts(fontPath), logger)
    {
    }

    public InvoicePdfRenderer()
        : this(InvoiceFonts.Default)
    {
    }

    public byte[] Render(InvoiceDocument doc)
    {
        ArgumentNullException.ThrowIfNull(doc);
        using var text = new InvoiceText(_typeface);
        var pages = InvoicePagination.Plan(
            InvoiceHeader.First(doc, text),
            InvoiceHeader.Continued(doc, text),
            InvoiceTable.Header(text),
            doc.Lines.Select(line => InvoiceTable.Row(line, doc.Currency, text)).ToList(),
            InvoiceSummary.Blocks(doc, text).ToList());
        var footer = new Footer(doc, text);

        using var stream = new MemoryStream();
        using (var pdf = SKDocument.CreatePdf(stream, Metadata(doc)))
        {
            for (var i = 0; i < pages.Count; i++)
            {
                var canvas = pdf.BeginPage(Width, Height);
                foreach (var (block, top) in pages[i].Blocks) block.Draw(canvas, text, top);
                footer.Draw(canvas, i + 1, pages.Count);
                pdf.EndPage();
            }

            pdf.Close();
        }

        if (text.MissingCodePoints.Count > 0) LogMissing(doc, text.MissingCodePoints);
        return stream.ToArray();
    }

    private void LogMissing(InvoiceDocument doc, IReadOnlyCollection<int> codePoints)
    {
        var list = new StringBuilder();
        foreach (var cp in codePoints.Take(MaxLoggedCodePoints))
        {
            list.Append(list.Length == 0 ? "" : " ").Append("U+").Append(cp.ToString("X4", CultureInfo.InvariantCulture));
        }

        if (codePoints.Count > MaxLoggedCodePoints) list.Append(" …");
        _logger.LogWarning(
            "Invoice {Number}: {Count} distinct characters are not in the invoice font and were drawn as '?': {CodePoints}",
            doc.Number, codePoints.Count, list.ToString());
    }

    /// <summary>Fixed dates (the issue date, midnight UTC) keep the bytes identical from run to run.</summary>
    private static SKDocumentPdfMetadata Metadata(InvoiceDocument doc)
    {
        var issued = doc.IssueDate.AtMidnight().InUtc().ToDateTimeUtc();
        return new SKDocumentPdfMetadata
        {
            Title = $"{Title(doc.Kind)} {doc.Number}",
            Author = doc.Issuer.Name,
            Subject = $"{doc.Customer.TenantId} {InvoiceFormat.Period(doc.Period)}",
            Creator = "TokenLedger",
            Producer = "TokenLedger (SkiaSharp PDF)",
            Creation = issued,
            Modified = issued,
        };
    }

    public void Dispose() => _typeface.Dispose();

    /// <summary>Number and issuer on the left, "Page x of y" on the right, on every page.</summary>
    private sealed class Footer(InvoiceDocument doc, InvoiceText text)
    {
        private readonly string _left = text.Fit($"{doc.Number} · {doc.Issuer.Name}", TextStyle.Small, ContentWidth * 0.7f);

        public void Draw(SKCanvas canvas, int page, int pages)
        {
            var b = new BlockBuilder(text);
            b.Rule(Left, Right, FooterRule, Line);
            b.Left(_left, Left, FooterBaseline, ContentWidth * 0.7f, TextStyle.Small, Muted);
            b.Right($"Page {page} of {pages}", Right, FooterBaseline, ContentWidth * 0.25f, TextStyle.Small, Muted);
            b.Build(0f).Draw(canvas, text, 0f);
        }
    }
}

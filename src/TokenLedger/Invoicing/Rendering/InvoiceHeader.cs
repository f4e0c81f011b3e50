using SkiaSharp;
using static TokenLedger.Invoicing.Rendering.InvoicePage;

namespace TokenLedger.Invoicing.Rendering;

/// <summary>The top of the first page (issuer, title and metadata, bill-to) and the short header of later pages.</summary>
internal static class InvoiceHeader
{
    private const float IssuerWidth = 270f;
    private const float MetaLabelX = 350f;
    private const float MetaValueWidth = 130f;
    private const float BillToWidth = 300f;

    public static Block First(InvoiceDocument doc, InvoiceText text)
    {
        var b = new BlockBuilder(text);
        var accent = Accent(doc.Kind);

        // Issuer, top left.
        var y = 14f;
        foreach (var line in text.Wrap(doc.Issuer.Name, TextStyle.Heading, IssuerWidth, 2))
        {
            b.Left(line, Left, y, IssuerWidth, TextStyle.Heading, Ink);
            y += 14f;
        }

        foreach (var line in doc.Issuer.AddressLines.Take(5))
        {
            b.Left(line, Left, y, IssuerWidth, TextStyle.Body, Muted);
            y += 11f;
        }

        b.Left($"Tax ID: {doc.Issuer.TaxId}", Left, y, IssuerWidth, TextStyle.Body, Muted);
        var issuerBottom = y + 4f;

        // Title and metadata, top right.
        b.Right(Title(doc.Kind), Right, 16f, Right - MetaLabelX + 40f, TextStyle.Title, accent);
        var my = 40f;
        foreach (var (label, value) in Metadata(doc))
        {
            b.Left(label, MetaLabelX, my, Right - MetaLabelX - MetaValueWidth - 4f, TextStyle.Muted, Muted);
            b.Right(value, Right, my, MetaValueWidth, TextStyle.Body, Ink);
            my += 12f;
        }

        if (Reference(doc) is { } reference)
        {
            b.Right(reference, Right, my + 2f, Right - MetaLabelX + 40f, TextStyle.Body, accent);
            my += 14f;
        }

        // Bill to, below both.
        y = Math.Max(issuerBottom, my) + 20f;
        b.Left("BILL TO", Left, y, BillToWidth, TextStyle.Small, accent);
        y += 14f;
        foreach (var line in text.Wrap(doc.Customer.Name, TextStyle.Heading, BillToWidth, 3))
        {
            b.Left(line, Left, y, BillToWidth, TextStyle.Heading, Ink);
            y += 14f;
        }

        foreach (var line in doc.Customer.AddressLines.Take(5))
        {
            b.Left(line, Left, y, BillToWidth, TextStyle.Body, Ink);
            y += 11f;
        }

        if (doc.Customer.TaxId is { Length: > 0 } taxId)
        {
            b.Left($"Tax ID: {taxId}", Left, y, BillToWidth, TextStyle.Body, Muted);
            y += 11f;
        }

        b.Left($"Tenant: {doc.Customer.TenantId}", Left, y, BillToWidth, TextStyle.Body, Muted);
        var billToBottom = y;

        // Amount due box, right of bill-to: the one figure a payer looks for first.
        var boxTop = Math.Max(issuerBottom, my) + 10f;
        var boxLeft = MetaLabelX;
        b.Fill(boxLeft, boxTop, Right, boxTop + 52f, Shade);
        b.Left(AmountDueLabel(doc.Kind), boxLeft + 10f, boxTop + 16f, Right - boxLeft - 20f, TextStyle.Muted, Muted);
        b.Number(InvoiceFormat.Money(doc.AmountDue, doc.Currency), Right - 10f, boxTop + 34f, Right - boxLeft - 20f, TextStyle.Emphasis, accent);
        if (doc.Kind != InvoiceKind.CreditNote)
        {
            b.Left($"Due {InvoiceFormat.Date(doc.DueDate)}", boxLeft + 10f, boxTop + 46f, Right - boxLeft - 20f, TextStyle.Small, Muted);
        }

        return b.Build(Math.Max(billToBottom, boxTop + 52f) + 18f);
    }

    /// <summary>Later pages: the document title and number, so a loose page still says what it belongs to.</summary>
    public static Block Continued(InvoiceDocument doc, InvoiceText text)
    {
        var b = new BlockBuilder(text);
        b.Left($"{Title(doc.Kind)}  {doc.Number} (continued)", Left, 14f, ContentWidth * 0.6f, TextStyle.Heading, Accent(doc.Kind));
        b.Right(doc.Customer.Name, Right, 14f, ContentWidth * 0.38f, TextStyle.Muted, Muted);
        return b.Build(30f);
    }

    private static IEnumerable<(string Label, string Value)> Metadata(InvoiceDocument doc)
    {
        yield return (doc.Kind switch { InvoiceKind.CreditNote => "Credit note no.", InvoiceKind.DebitNote => "Debit note no.", _ => "Invoice no." }, doc.Number);
        yield return ("Issue date", InvoiceFormat.Date(doc.IssueDate));
        if (doc.Kind != InvoiceKind.CreditNote) yield return ("Due date", InvoiceFormat.Date(doc.DueDate));
        yield return ("Billing period", InvoiceFormat.Period(doc.Period));
        yield return ("Currency", doc.Currency);
    }
}

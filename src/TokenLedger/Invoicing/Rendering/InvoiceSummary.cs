using static TokenLedger.Invoicing.Rendering.InvoicePage;

namespace TokenLedger.Invoicing.Rendering;

/// <summary>
/// What follows the lines on the last page: the tax summary per rate and the totals down to the amount due, with the
/// payment instructions beside them, then the notes (a page break can fall before the notes).
/// </summary>
internal static class InvoiceSummary
{
    private const float LabelX = 330f;
    private const float ValueWidth = 110f;
    private const float PaymentWidth = LabelX - Left - 24f;
    private const int MaxPaymentLines = 12;
    private const int MaxNoteLines = 20;

    public static IEnumerable<Block> Blocks(InvoiceDocument doc, InvoiceText text)
    {
        yield return Settlement(doc, text);
        if (doc.Notes is { Length: > 0 }) yield return Notes(doc, text);
    }

    /// <summary>Tax summary and totals on the right, payment instructions beside them on the left.</summary>
    private static Block Settlement(InvoiceDocument doc, InvoiceText text)
    {
        var b = new BlockBuilder(text);
        var accent = Accent(doc.Kind);
        var y = TaxSummary(b, doc, 18f);
        y = Totals(b, doc, y + 8f);

        var py = 18f;
        if (doc.PaymentInstructions.Count > 0)
        {
            b.Left("PAYMENT", Left, py, PaymentWidth, TextStyle.Small, accent);
            var linesLeft = MaxPaymentLines;
            foreach (var instruction in doc.PaymentInstructions)
            {
                foreach (var line in b.Text.Wrap(instruction, TextStyle.Body, PaymentWidth, Math.Min(2, linesLeft)))
                {
                    py += 12f;
                    b.Left(line, Left, py, PaymentWidth, TextStyle.Body, Ink);
                    linesLeft--;
                }

                if (linesLeft == 0) break;
            }
        }

        return b.Build(Math.Max(y, py) + 8f);
    }

    private static float TaxSummary(BlockBuilder b, InvoiceDocument doc, float y)
    {
        const float taxableRight = Right - ValueWidth;
        b.Left("TAX SUMMARY", LabelX, y, 120f, TextStyle.Small, Accent(doc.Kind));
        y += 12f;
        b.Left("Rate", LabelX, y, 50f, TextStyle.Small, Muted);
        b.Right("Taxable", taxableRight, y, 80f, TextStyle.Small, Muted);
        b.Right("Tax", Right, y, 80f, TextStyle.Small, Muted);
        var rates = doc.Lines
            .GroupBy(l => l.TaxRatePercent)
            .OrderBy(g => g.Key)
            .Select(g => (Rate: g.Key, Taxable: g.Sum(l => l.Amount), Tax: g.Sum(l => l.TaxAmount)));
        foreach (var (rate, taxable, tax) in rates)
        {
            y += 12f;
            b.Left(InvoiceFormat.Rate(rate), LabelX, y, 50f, TextStyle.Body, Ink);
            b.Number(InvoiceFormat.Money(taxable, doc.Currency), taxableRight, y, 100f, TextStyle.Body, Ink);
            b.Number(InvoiceFormat.Money(tax, doc.Currency), Right, y, ValueWidth - 6f, TextStyle.Body, Ink);
        }

        return y;
    }

    private static float Totals(BlockBuilder b, InvoiceDocument doc, float y)
    {
        b.Rule(LabelX, Right, y, Line);
        y += 14f;
        Row(b, "Subtotal", doc.Subtotal, doc.Currency, ref y);
        Row(b, "Tax", doc.TaxTotal, doc.Currency, ref y);
        Row(b, "Total", doc.Total, doc.Currency, ref y);
        if (doc.PrepaidApplied != 0m || doc.Kind != InvoiceKind.CreditNote)
        {
            Row(b, "Prepaid applied", -doc.PrepaidApplied, doc.Currency, ref y);
        }
        b.Rule(LabelX, Right, y - 6f, Ink);
        y += 10f;
        var accent = Accent(doc.Kind);
        b.Left(AmountDueLabel(doc.Kind), LabelX, y, Right - LabelX - ValueWidth, TextStyle.Heading, accent);
        b.Number(InvoiceFormat.Money(doc.AmountDue, doc.Currency), Right, y, ValueWidth, TextStyle.Emphasis, accent);
        return y + 4f;
    }

    private static void Row(BlockBuilder b, string label, decimal amount, string currency, ref float y)
    {
        b.Left(label, LabelX, y, Right - LabelX - ValueWidth, TextStyle.Body, Ink);
        b.Number(InvoiceFormat.Money(amount, currency), Right, y, ValueWidth, TextStyle.Body, Ink);
        y += 13f;
    }

    private static Block Notes(InvoiceDocument doc, InvoiceText text)
    {
        var b = new BlockBuilder(text);
        var y = 18f;
        b.Left("NOTES", Left, y, ContentWidth, TextStyle.Small, Accent(doc.Kind));
        var linesLeft = MaxNoteLines;
        foreach (var paragraph in doc.Notes!.Split('\n'))
        {
            foreach (var line in text.Wrap(paragraph, TextStyle.Body, ContentWidth, linesLeft))
            {
                y += 11f;
                b.Left(line, Left, y, ContentWidth, TextStyle.Body, Muted);
                linesLeft--;
            }

            if (linesLeft == 0) break;
        }

        return b.Build(y + 6f);
    }
}

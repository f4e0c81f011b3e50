using NodaTime;
using TokenLedger.Pricing;
using TokenLedger.Receivables;

namespace TokenLedger.Invoicing.CreditNotes;

/// <summary>What an invoice has had corrected so far: credited and debited totals, and per invoice line the amount and tax credited.</summary>
public sealed record InvoiceCorrections(decimal Credited, decimal Debited, IReadOnlyDictionary<int, (decimal Amount, decimal Tax)> CreditedLines)
{
    public static InvoiceCorrections Of(IEnumerable<CreditNoteIssued> notes, string invoiceNumber)
    {
        var mine = notes.Where(n => n.InvoiceNumber == invoiceNumber).ToList();
        var lines = mine.Where(n => n.Kind == CreditNoteKinds.Credit).SelectMany(n => n.Lines).Where(l => l.InvoiceLine is not null)
            .GroupBy(l => l.InvoiceLine!.Value).ToDictionary(g => g.Key, g => (g.Sum(l => l.Amount), g.Sum(l => l.TaxAmount)));
        return new InvoiceCorrections(
            mine.Where(n => n.Kind == CreditNoteKinds.Credit).Sum(n => n.Total), mine.Where(n => n.Kind == CreditNoteKinds.Debit).Sum(n => n.Total), lines);
    }

    /// <summary>What can still be credited on the invoice: its total, plus debit notes, less credit notes.</summary>
    public decimal Uncredited(Invoice invoice) => invoice.Total + Debited - Credited;
}

/// <summary>What a note is decided on: the corrected invoice as issued, the tenant's receivables state, the day and the acting key.</summary>
public sealed record NoteContext(Invoice Invoice, ReceivablesAccount Account, LocalDate Today, Instant Now, string ActedBy)
{
    public InvoiceCorrections Corrections => InvoiceCorrections.Of(Account.AllNotes(), Invoice.Number);
}

/// <summary>A line before rounding. <paramref name="TaxCap"/>: the most tax it may return (what its invoice line has not had credited).</summary>
public sealed record NoteLineDraft(int? InvoiceLine, string Description, decimal Unrounded, decimal? TaxCap = null, bool ReturnsAllTax = false, string? ReRatingId = null);

public abstract record CreditNoteDecision
{
    /// <summary>The note to append; its <c>Number</c> is empty until the writer takes one in the append's transaction.</summary>
    public sealed record Issue(CreditNoteIssued Note) : CreditNoteDecision;
    public sealed record AlreadyIssued(CreditNoteIssued Note) : CreditNoteDecision;
    public sealed record Refused(string Field, string Reason) : CreditNoteDecision;
    /// <summary>The correction rounds to nothing in the currency's minor unit: no note.</summary>
    public sealed record Nothing : CreditNoteDecision;
}

/// <summary>
/// Pure rules of credit and debit notes. Rounding is the invoice's (docs/invoices.md): each line once, half away from zero
/// to the minor unit, its tax <c>RoundLine(amount × rate / 100)</c>; totals are sums of rounded lines. A line that
/// credits the rest of an invoice line returns exactly the tax that line still has uncredited, and no line returns more.
/// </summary>
public static class CreditNoteDecider
{
    public static CreditNoteDecision Compose(
        string kind, string source, string reason, string requestId, IReadOnlyList<NoteLineDraft> drafts, NoteContext context)
    {
        var invoice = context.Invoice;
        var rate = invoice.TaxRatePercent;
        var lines = drafts.Select((d, i) =>
        {
            var amount = InvoiceRounding.RoundLine(d.Unrounded, invoice.Currency);
            var tax = InvoiceRounding.RoundLine(amount * rate / 100m, invoice.Currency);
            if (d.TaxCap is { } cap) tax = d.ReturnsAllTax ? cap : Math.Min(tax, cap);
            return new CreditNoteLine(i + 1, d.InvoiceLine, d.Description, d.Unrounded, amount, tax, d.ReRatingId);
        }).Where(l => l.Amount != 0 || l.TaxAmount != 0).ToList();
        if (lines.Count == 0) return new CreditNoteDecision.Nothing();
        var subtotal = lines.Sum(l => l.Amount);
        var taxTotal = lines.Sum(l => l.TaxAmount);
        var total = subtotal + taxTotal;

        var applied = 0m;
        if (kind == CreditNoteKinds.Credit)
        {
            var uncredited = context.Corrections.Uncredited(invoice);
            if (total > uncredited)
                return new CreditNoteDecision.Refused("lines", $"the note's total {total} is more than the {Math.Max(0, uncredited)} invoice {invoice.Number} still has uncredited");
            var open = Math.Max(0, invoice.AmountDue - context.Account.Settled.GetValueOrDefault(invoice.Number));
            applied = Math.Min(total, open);
        }
        var netDays = Period.DaysBetween(invoice.IssueDate, invoice.DueDate);
        return new CreditNoteDecision.Issue(new CreditNoteIssued(
            invoice.TenantId, "", kind, invoice.Number, source, reason, requestId, invoice.Currency, rate, lines, subtotal, taxTotal, total,
            applied, kind == CreditNoteKinds.Credit ? total - applied : 0m, context.Today,
            kind == CreditNoteKinds.Credit ? context.Today : context.Today.PlusDays(netDays), context.Now, context.ActedBy));
    }

    /// <summary>A disputed line (or part of it) credited by finance: each amount at most what its invoice line still has uncredited.</summary>
    public static CreditNoteDecision Finance(IReadOnlyList<(int Line, decimal Amount, string? Description)> requested, string reason, string requestId, NoteContext context)
    {
        if (context.Account.AllNotes().FirstOrDefault(n => n.RequestId == requestId) is { } earlier) return new CreditNoteDecision.AlreadyIssued(earlier);
        var invoice = context.Invoice;
        var corrections = context.Corrections;
        var drafts = new List<NoteLineDraft>();
        var creditedNow = new Dictionary<int, (decimal Amount, decimal Tax)>();
        foreach (var (number, amount, description) in requested)
        {
            var field = $"lines[{drafts.Count}]";
            if (invoice.Lines.FirstOrDefault(l => l.Number == number) is not { } line)
                return new CreditNoteDecision.Refused($"{field}.line", $"invoice {invoice.Number} has no line {number}");
            if (line.Amount <= 0)
                return new CreditNoteDecision.Refused($"{field}.line", $"line {number} is a {line.Kind} line of {line.Amount}: only a charge can be credited");
            if (InvoiceRounding.RoundLine(amount, invoice.Currency) != amount)
                return new CreditNoteDecision.Refused($"{field}.amount", $"amount {amount} has more decimals than {invoice.Currency}'s minor unit ({InvoiceRounding.MinorUnits(invoice.Currency)})");
            var before = corrections.CreditedLines.GetValueOrDefault(number);
            var now = creditedNow.GetValueOrDefault(number);
            var left = line.Amount - before.Amount - now.Amount;
            if (amount > left)
                return new CreditNoteDecision.Refused($"{field}.amount", $"amount {amount} is more than the {left} line {number} of invoice {invoice.Number} still has uncredited");
            var taxLeft = line.TaxAmount - before.Tax - now.Tax;
            var tax = amount == left ? taxLeft : Math.Min(InvoiceRounding.RoundLine(amount * invoice.TaxRatePercent / 100m, invoice.Currency), taxLeft);
            creditedNow[number] = (now.Amount + amount, now.Tax + tax);
            drafts.Add(new NoteLineDraft(number, string.IsNullOrWhiteSpace(description) ? $"Credit of line {number}: {line.Description}" : description,
                amount, taxLeft, amount == left));
        }
        return Compose(CreditNoteKinds.Credit, CreditNoteSources.Finance, reason, requestId, drafts, context);
    }

    /// <summary>
    /// A re-rating changed the retail charge of usage this issued invoice billed by <paramref name="delta"/> (unrounded):
    /// a credit note when the price went down, a debit note when it went up. One note per re-rating and invoice.
    /// </summary>
    public static CreditNoteDecision ReRating(string reRatingId, string reason, decimal delta, NoteContext context)
    {
        var requestId = $"{context.Invoice.TenantId}:re-rating:{reRatingId}:{context.Invoice.Number}";
        if (context.Account.AllNotes().FirstOrDefault(n => n.RequestId == requestId) is { } earlier) return new CreditNoteDecision.AlreadyIssued(earlier);
        var kind = delta < 0 ? CreditNoteKinds.Credit : CreditNoteKinds.Debit;
        var line = new NoteLineDraft(null, $"Price correction {reRatingId}: {reason}", Math.Abs(delta), ReRatingId: reRatingId);
        return Compose(kind, CreditNoteSources.ReRating, reason, requestId, [line], context);
    }
}

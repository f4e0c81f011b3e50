using NodaTime;
using Shouldly;
using TokenLedger.Invoicing;
using TokenLedger.Invoicing.CreditNotes;
using TokenLedger.Invoicing.CreditNotes.GettingCreditNotes;
using TokenLedger.Invoicing.Rendering;
using TokenLedger.Receivables;
using static TokenLedger.Tests.Invoicing.InvoiceDocuments;

namespace TokenLedger.Tests.Invoicing;

/// <summary>The pure rules of credit and debit notes: limits, rounding, what lowers the invoice and what goes to the wallet.</summary>
public class issuing_credit_notes(RendererFixture fixture) : IClassFixture<RendererFixture>
{
    private static readonly Instant Now = Instant.FromUtc(2026, 9, 15, 4, 0);
    private static readonly LocalDate Today = new(2026, 9, 15);

    private static InvoiceItem Item(int number, string kind, decimal amount, decimal tax) =>
        new(number, kind, $"line {number}", "", "", null, null, amount, amount, tax);

    /// <summary>At 13 %: usage 15.00 (tax 1.95), usage 3.00 (0.39), credits −4.00 (−0.52); total 15.82, 5.00 prepaid, 10.82 due, issued 2026-09-01 net 15.</summary>
    private static Invoice June(string currency = "CNY") => new(
        "invoice:acme:2026-06", "TL-2026-000007", "house", "acme", "2026-06", Instant.FromUtc(2026, 5, 31, 16, 0), Instant.FromUtc(2026, 6, 30, 16, 0),
        new InvoiceParty("Issuer", [], "TAX"), new InvoiceParty("杭州智算科技", [], null), ["Reference: the invoice number"],
        new LocalDate(2026, 9, 1), new LocalDate(2026, 9, 16), currency, 13m,
        [Item(1, InvoiceLineKinds.Usage, 15.00m, 1.95m), Item(2, InvoiceLineKinds.Usage, 3.00m, 0.39m), Item(3, InvoiceLineKinds.Credits, -4.00m, -0.52m)],
        14.00m, 1.82m, 15.82m, 5.00m, 10.82m, Instant.FromUtc(2026, 9, 1, 0, 0));

    private static NoteContext Context(Invoice invoice, ReceivablesAccount? account = null) =>
        new(invoice, account ?? ReceivablesAccount.Empty(invoice.TenantId), Today, Now, "finance-key");

    private static CreditNoteDecision Credit(NoteContext context, string requestId, params (int Line, decimal Amount)[] lines) =>
        CreditNoteDecider.Finance([.. lines.Select(l => (l.Line, l.Amount, (string?)null))], "disputed", requestId, context);

    private static CreditNoteIssued Issued(CreditNoteDecision decision, int sequence = 1) =>
        decision.ShouldBeOfType<CreditNoteDecision.Issue>().Note with { Number = CreditNoteNumbers.Format(CreditNoteKinds.Credit, 2026, sequence) };

    [Fact]
    public void crediting_a_whole_line_returns_exactly_its_tax_and_the_lines_add_up_to_the_total()
    {
        var note = Issued(Credit(Context(June()), "r1", (2, 3.00m)));

        note.Kind.ShouldBe(CreditNoteKinds.Credit);
        note.InvoiceNumber.ShouldBe("TL-2026-000007");
        note.Lines.ShouldHaveSingleItem().TaxAmount.ShouldBe(0.39m);
        note.Subtotal.ShouldBe(note.Lines.Sum(l => l.Amount));
        note.TaxTotal.ShouldBe(note.Lines.Sum(l => l.TaxAmount));
        note.Total.ShouldBe(3.39m);
        note.ActedBy.ShouldBe("finance-key");
    }

    [Fact]
    public void parts_of_a_line_are_each_rounded_once_and_together_never_return_more_tax_than_the_line_had()
    {
        var invoice = June() with { Lines = [Item(1, InvoiceLineKinds.Usage, 1.00m, 0.13m)], Subtotal = 1.00m, TaxTotal = 0.13m, Total = 1.13m, PrepaidApplied = 0, AmountDue = 1.13m };
        var first = Issued(Credit(Context(invoice), "r1", (1, 0.50m)));
        var account = ReceivablesAccount.Empty("acme").Apply(first);

        var second = Issued(Credit(Context(invoice, account), "r2", (1, 0.50m)), 2);

        first.Lines[0].TaxAmount.ShouldBe(0.07m); // RoundLine(0.50 × 13 %) = RoundLine(0.065), half away from zero
        second.Lines[0].TaxAmount.ShouldBe(0.06m); // the rest of the line: what its tax still has uncredited
        (first.Total + second.Total).ShouldBe(invoice.Total);
    }

    [Fact]
    public void an_amount_above_what_the_line_still_has_uncredited_is_refused_naming_the_line()
    {
        var account = ReceivablesAccount.Empty("acme").Apply(Issued(Credit(Context(June()), "r1", (1, 10.00m))));

        var refused = Credit(Context(June(), account), "r2", (1, 5.01m)).ShouldBeOfType<CreditNoteDecision.Refused>();
        var twice = Credit(Context(June()), "r3", (2, 2.00m), (2, 1.01m)).ShouldBeOfType<CreditNoteDecision.Refused>();

        refused.Field.ShouldBe("lines[0].amount");
        refused.Reason.ShouldContain("5.00 line 1");
        twice.Field.ShouldBe("lines[1].amount");
        Credit(Context(June(), account), "r4", (1, 4.00m)).ShouldBeOfType<CreditNoteDecision.Issue>(); // 4.52: all the invoice has left
    }

    [Fact]
    public void deductions_unknown_lines_and_amounts_finer_than_the_minor_unit_are_refused()
    {
        Credit(Context(June()), "r", (3, 1m)).ShouldBeOfType<CreditNoteDecision.Refused>().Reason.ShouldContain("only a charge can be credited");
        Credit(Context(June()), "r", (9, 1m)).ShouldBeOfType<CreditNoteDecision.Refused>().Reason.ShouldContain("has no line 9");
        Credit(Context(June()), "r", (1, 1.005m)).ShouldBeOfType<CreditNoteDecision.Refused>().Field.ShouldBe("lines[0].amount");
        Credit(Context(June("JPY")), "r", (1, 1.5m)).ShouldBeOfType<CreditNoteDecision.Refused>().Reason.ShouldContain("JPY's minor unit (0)");
    }

    [Fact]
    public void a_note_never_credits_more_than_the_invoice_total_less_what_was_credited()
    {
        // Usage 100 fully covered by the plan: the invoice asked for nothing, so nothing can be credited.
        var covered = June() with
        {
            Lines = [Item(1, InvoiceLineKinds.Usage, 100m, 13m), Item(2, InvoiceLineKinds.CoveredByPlan, -100m, -13m)],
            Subtotal = 0, TaxTotal = 0, Total = 0, PrepaidApplied = 0, AmountDue = 0,
        };

        var refused = Credit(Context(covered), "r1", (1, 1m)).ShouldBeOfType<CreditNoteDecision.Refused>();

        refused.Reason.ShouldContain("still has uncredited");
    }

    [Fact]
    public void a_credit_lowers_what_is_open_on_the_invoice_and_the_rest_goes_to_the_wallet()
    {
        var paid = ReceivablesAccount.Empty("acme") with { Settled = new Dictionary<string, decimal> { ["TL-2026-000007"] = 8.00m } };

        var part = Issued(Credit(Context(June()), "r1", (1, 12.00m)));
        var afterPayment = Issued(Credit(Context(June(), paid), "r2", (2, 3.00m)));

        part.Total.ShouldBe(13.56m);
        part.AppliedToInvoice.ShouldBe(10.82m); // all that was due after the 5.00 prepaid
        part.ToWalletCredit.ShouldBe(2.74m);
        // Both usage lines in full (20.34) is more than the invoice's 15.82: its credits line already lowered it.
        Credit(Context(June()), "r3", (1, 15.00m), (2, 3.00m)).ShouldBeOfType<CreditNoteDecision.Refused>().Reason.ShouldContain("15.82");
        afterPayment.AppliedToInvoice.ShouldBe(2.82m);
        afterPayment.ToWalletCredit.ShouldBe(0.57m);
    }

    [Fact]
    public void the_same_request_issues_once()
    {
        var first = Issued(Credit(Context(June()), "r1", (2, 1.00m)));
        var account = ReceivablesAccount.Empty("acme").Apply(first);

        Credit(Context(June(), account), "r1", (2, 1.00m)).ShouldBeOfType<CreditNoteDecision.AlreadyIssued>().Note.ShouldBe(first);
    }

    [Fact]
    public void a_re_rating_gives_a_credit_note_when_the_price_fell_a_debit_note_when_it_rose_and_nothing_below_the_minor_unit()
    {
        var credit = CreditNoteDecider.ReRating("rerate-1", "list price halved", -7.5m, Context(June())).ShouldBeOfType<CreditNoteDecision.Issue>().Note;
        var debit = CreditNoteDecider.ReRating("rerate-2", "price raised", 3.333m, Context(June())).ShouldBeOfType<CreditNoteDecision.Issue>().Note;

        credit.Kind.ShouldBe(CreditNoteKinds.Credit);
        credit.Lines.ShouldHaveSingleItem().Amount.ShouldBe(7.50m);
        credit.Total.ShouldBe(8.48m); // 7.50 + RoundLine(0.975)
        credit.Lines[0].ReRatingId.ShouldBe("rerate-1");
        debit.Kind.ShouldBe(CreditNoteKinds.Debit);
        debit.Total.ShouldBe(3.33m + 0.43m);
        debit.AppliedToInvoice.ShouldBe(0);
        debit.DueDate.ShouldBe(Today.PlusDays(15)); // the invoice's payment term
        CreditNoteDecider.ReRating("rerate-3", "tiny", 0.004m, Context(June())).ShouldBeOfType<CreditNoteDecision.Nothing>();
    }

    [Fact]
    public void note_numbers_are_their_own_series_per_kind()
    {
        CreditNoteNumbers.Format(CreditNoteKinds.Credit, 2026, 1).ShouldBe("CN-2026-000001");
        CreditNoteNumbers.Format(CreditNoteKinds.Debit, 2026, 42).ShouldBe("DN-2026-000042");
        CreditNoteNumbers.Series("house", CreditNoteKinds.Credit).ShouldNotBe("house");
    }

    [Fact]
    public void the_pdf_names_the_corrected_invoice_and_its_lines_add_up_to_the_total()
    {
        var note = Issued(Credit(Context(June()), "r1", (1, 10.00m), (2, 1.25m)));

        var text = AllText(fixture.Renderer.Render(CreditNoteDocuments.From(CreditNote.From(note), June())));

        text.ShouldContain("Credit note for invoice TL-2026-000007");
        text.ShouldContain("CN-2026-000001");
        foreach (var line in note.Lines) text.ShouldContain(InvoiceFormat.Money(line.Amount, "CNY"));
        note.Lines.Sum(l => l.Amount + l.TaxAmount).ShouldBe(note.Total);
        text.ShouldContain(InvoiceFormat.Money(note.Total, "CNY"));
        text.ShouldContain("Reason: disputed");
    }
}

using NodaTime;
using TokenLedger.Invoicing;
using TokenLedger.Invoicing.CreditNotes;
using TokenLedger.Invoicing.CreditNotes.GettingCreditNotes;
using TokenLedger.Invoicing.Rendering;
using TokenLedger.Receivables;

/// <summary>A realistic June 2026 invoice for a Chinese tenant: usage lines per model and token class, plus a plan fee.</summary>
internal static class SampleInvoices
{
    private static readonly (string Model, string Description, decimal Input, decimal Cached, decimal Output)[] Models =
    [
        ("deepseek-chat", "DeepSeek-V3 对话", 2m, 0.5m, 8m),
        ("deepseek-reasoner", "DeepSeek-R1 推理", 4m, 1m, 16m),
        ("qwen-max", "通义千问 Max", 2.4m, 0.6m, 9.6m),
        ("glm-4.6", "智谱 GLM-4.6", 2m, 0.4m, 8m),
        ("kimi-k2", "Kimi K2 长文本", 4m, 1m, 16m),
        ("ernie-4.5-turbo", "文心一言 4.5 Turbo", 0.8m, 0.2m, 3.2m),
        ("hunyuan-t1", "混元 T1", 1m, 0.25m, 4m),
        ("doubao-seed-1.6", "豆包 Seed 1.6", 0.8m, 0.16m, 8m),
    ];

    /// <param name="models">How many models the tenant used (3 tokens classes each): 4 gives one page, 8 gives two.</param>
    public static InvoiceDocument Invoice(int models = 4, string number = "TL-2026-000123")
    {
        var random = new Random(20260701);
        var lines = new List<InvoiceLine>();
        foreach (var (model, description, input, cached, output) in Models.Take(models))
        {
            foreach (var (tokenClass, price) in new[] { ("Input", input), ("Cached input", cached), ("Output", output) })
            {
                var tokens = (long)random.Next(2_000_000, 900_000_000);
                var amount = Math.Round(tokens * price / 1_000_000m, 2, MidpointRounding.AwayFromZero);
                lines.Add(new InvoiceLine(description, model, tokenClass, tokens, price, amount, 6m, Math.Round(amount * 0.06m, 2, MidpointRounding.AwayFromZero)));
            }
        }

        lines.Add(new InvoiceLine("企业版套餐月费 Enterprise plan, June", "", "Fee", null, null, 2000m, 6m, 120m));
        var subtotal = lines.Sum(l => l.Amount);
        var tax = lines.Sum(l => l.TaxAmount);
        var prepaid = 1500m;
        return new InvoiceDocument(
            InvoiceKind.Invoice,
            number,
            null,
            new InvoiceIssuer("TokenLedger 数据服务（上海）有限公司", ["上海市浦东新区世纪大道 100 号 20 层", "Shanghai 200120, China"], "91310115MA1K4XXXXX"),
            new InvoiceCustomer(
                "杭州深度求索科技有限公司",
                ["浙江省杭州市西湖区文三路 478 号", "Hangzhou 310012, China"],
                "91330106MA2GXXXXXX",
                "tenant-hz-deepseek"),
            new DateInterval(new LocalDate(2026, 6, 1), new LocalDate(2026, 6, 30)),
            new LocalDate(2026, 7, 1),
            new LocalDate(2026, 7, 31),
            "CNY",
            lines,
            subtotal,
            tax,
            subtotal + tax,
            prepaid,
            subtotal + tax - prepaid,
            ["Bank: 招商银行上海分行 China Merchants Bank, Shanghai Branch", "Account name: TokenLedger 数据服务（上海）有限公司", "Account no.: 1219 0000 0000 0001", $"Reference: {number}"],
            "Usage is rated per million tokens at the price book version in force when each request was made. 如有疑问，请联系 billing@tokenledger.example。");
    }

    /// <summary>
    /// A credit note drawn by the ledger's own flow: the one-model sample invoice as the ledger stores it, a finance
    /// credit of its output line and of part of its plan fee decided by <see cref="CreditNoteDecider"/>, numbered as the
    /// first credit note of 2026 and laid out by <see cref="CreditNoteDocuments"/>, exactly as
    /// <c>GET /api/credit-notes/{id}/pdf</c> does.
    /// </summary>
    public static InvoiceDocument CreditNote()
    {
        var doc = Invoice(1);
        var start = Instant.FromUtc(2026, 5, 31, 16, 0);
        var end = Instant.FromUtc(2026, 6, 30, 16, 0);
        var invoice = new Invoice(
            InvoiceStreams.For(doc.Customer.TenantId, "2026-06"), doc.Number, "house", doc.Customer.TenantId, "2026-06", start, end,
            new InvoiceParty(doc.Issuer.Name, doc.Issuer.AddressLines, doc.Issuer.TaxId), new InvoiceParty(doc.Customer.Name, doc.Customer.AddressLines, doc.Customer.TaxId),
            doc.PaymentInstructions, doc.IssueDate, doc.DueDate, doc.Currency, 6m,
            [.. doc.Lines.Select((l, i) => new InvoiceItem(i + 1, l.Quantity is null ? InvoiceLineKinds.SubscriptionFee : InvoiceLineKinds.Usage, l.Description, l.Model,
                l.TokenClass, l.Quantity, l.UnitPricePerMillion, l.Amount, l.Amount, l.TaxAmount))],
            doc.Subtotal, doc.TaxTotal, doc.Total, doc.PrepaidApplied, doc.AmountDue, end);
        var context = new NoteContext(invoice, ReceivablesAccount.Empty(invoice.TenantId), new LocalDate(2026, 7, 14), Instant.FromUtc(2026, 7, 14, 2, 0), "finance-sample");
        var output = invoice.Lines[2];
        var decision = CreditNoteDecider.Finance(
            [(3, output.Amount, "Output billed twice, 2026-06-12"), (4, 200m, "SLA credit, 2026-06-12 outage")],
            "Output billed twice during the 2026-06-12 incident, and the SLA credit for the outage.", "sample", context);
        var note = ((CreditNoteDecision.Issue)decision).Note with { Number = CreditNoteNumbers.Format(CreditNoteKinds.Credit, 2026, 1) };
        return CreditNoteDocuments.From(TokenLedger.Invoicing.CreditNotes.CreditNote.From(note), invoice);
    }
}

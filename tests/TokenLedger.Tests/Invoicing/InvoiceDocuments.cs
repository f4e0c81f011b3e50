using NodaTime;
using TokenLedger.Invoicing.Rendering;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace TokenLedger.Tests.Invoicing;

/// <summary>Invoice documents for the PDF tests, and reading a PDF back as text the way a person would read it.</summary>
internal static class InvoiceDocuments
{
    public const string ChineseCustomer = "杭州深度求索科技有限公司";

    public static InvoiceLine UsageLine(string model, string tokenClass, long tokens, decimal pricePerMillion, decimal taxRate = 6m)
    {
        var amount = Math.Round(tokens * pricePerMillion / 1_000_000m, 2, MidpointRounding.AwayFromZero);
        return new InvoiceLine($"{model} usage", model, tokenClass, tokens, pricePerMillion, amount, taxRate,
            Math.Round(amount * taxRate / 100m, 2, MidpointRounding.AwayFromZero));
    }

    public static InvoiceLine FeeLine(string description, decimal amount, decimal taxRate = 6m) =>
        new(description, "", "Fee", null, null, amount, taxRate, Math.Round(amount * taxRate / 100m, 2, MidpointRounding.AwayFromZero));

    /// <summary>An invoice whose totals add up from its lines.</summary>
    public static InvoiceDocument Invoice(
        IReadOnlyList<InvoiceLine>? lines = null,
        string number = "TL-2026-000123",
        string customer = ChineseCustomer,
        string currency = "CNY",
        decimal prepaid = 100m,
        string? notes = "Thank you for your business. 感谢您的惠顾。")
    {
        lines ??=
        [
            UsageLine("deepseek-chat", "Input", 123_456_789, 2m),
            UsageLine("deepseek-chat", "Output", 45_678_901, 8m),
            UsageLine("qwen-max", "Cached input", 9_876_543, 0.6m),
            FeeLine("Enterprise plan 企业版", 2_000m),
        ];
        var subtotal = lines.Sum(l => l.Amount);
        var tax = lines.Sum(l => l.TaxAmount);
        return new InvoiceDocument(
            InvoiceKind.Invoice,
            number,
            null,
            new InvoiceIssuer("TokenLedger 数据服务（上海）有限公司", ["上海市浦东新区世纪大道 100 号", "Shanghai 200120"], "91310115MA1K4XXXXX"),
            new InvoiceCustomer(customer, ["浙江省杭州市西湖区文三路 478 号", "Hangzhou 310012"], "91330106MA2GXXXXXX", "tenant-hz-001"),
            new DateInterval(new LocalDate(2026, 6, 1), new LocalDate(2026, 6, 30)),
            new LocalDate(2026, 7, 1),
            new LocalDate(2026, 7, 31),
            currency,
            lines,
            subtotal,
            tax,
            subtotal + tax,
            prepaid,
            subtotal + tax - prepaid,
            ["Bank: China Merchants Bank, Shanghai Branch", $"Reference: {number}"],
            notes);
    }

    public static InvoiceDocument ManyLines(int count) =>
        Invoice(Enumerable.Range(1, count).Select(i => UsageLine($"model-{i:D3}", i % 2 == 0 ? "Output" : "Input", 1_000_000L * i + 7, 1.5m + i)).ToList());

    /// <summary>The text of each page, in reading order, one PDF text line per line.</summary>
    public static IReadOnlyList<string> PageTexts(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return document.GetPages().Select(page => ContentOrderTextExtractor.GetText(page)).ToList();
    }

    public static string AllText(byte[] pdf) => string.Join("\n", PageTexts(pdf));
}

using Microsoft.Extensions.Logging;
using Shouldly;
using TokenLedger.Invoicing.Rendering;
using UglyToad.PdfPig;
using static TokenLedger.Tests.Invoicing.InvoiceDocuments;

namespace TokenLedger.Tests.Invoicing;

public class rendering_hostile_text
{
    private const string Emoji = "😀👨‍👩‍👧";
    private const string Arabic = "شركة الحوسبة";
    private const string Hebrew = "חברת מחשוב";
    private const string Unassigned = "\U0010FFFF\u0378\U000E0FFF";
    private const string BidiOverride = "\u202Eevil\u202C";

    private static readonly string LongName =
        string.Concat(Enumerable.Repeat("杭州深度求索人工智能基础技术研究有限公司 Hangzhou DeepSeek AI ", 12))[..500];

    private static InvoiceDocument Hostile()
    {
        var doc = Invoice(
            lines:
            [
                UsageLine($"{Emoji} {Arabic} {Hebrew} {Unassigned} " + new string('W', 300), "Output " + Emoji, 42_000_000, 8m),
                UsageLine("deepseek-chat", BidiOverride, long.MaxValue / 1_000_000_000, 123456.123456m),
                FeeLine("lone surrogate \uD800 and tab\tand newline\nhere", 99_999_999_999.99m),
            ],
            customer: LongName,
            notes: string.Concat(Enumerable.Repeat($"{Emoji} {Arabic} {Hebrew} 备注 note ", 400)));
        return doc with
        {
            Customer = doc.Customer with { AddressLines = [new string('长', 200), Arabic + " " + Hebrew, Unassigned, Emoji] },
            Issuer = doc.Issuer with { Name = new string('X', 400) },
            PaymentInstructions = Enumerable.Repeat(new string('9', 500), 30).ToList(),
        };
    }

    [Fact]
    public void hostile_strings_render_without_exception_and_every_letter_stays_inside_the_page_margins()
    {
        using var renderer = new InvoicePdfRenderer(InvoiceFonts.Default);

        var pdf = renderer.Render(Hostile());

        using var document = PdfDocument.Open(pdf);
        foreach (var page in document.GetPages())
        {
            var box = page.MediaBox.Bounds;
            box.Width.ShouldBe(595, tolerance: 1);
            box.Height.ShouldBe(842, tolerance: 1);
            foreach (var letter in page.Letters)
            {
                // Skia draws inside 40..555 pt; allow for the advance of the last glyph's side bearing.
                letter.StartBaseLine.X.ShouldBeInRange(39.5, 555.5, $"'{letter.Value}' on page {page.Number}");
                letter.EndBaseLine.X.ShouldBeInRange(39.5, 555.5, $"'{letter.Value}' on page {page.Number}");
                letter.StartBaseLine.Y.ShouldBeInRange(box.Bottom, box.Top);
            }
        }
    }

    [Fact]
    public void a_500_character_customer_name_is_wrapped_and_cut_with_an_ellipsis()
    {
        using var renderer = new InvoicePdfRenderer(InvoiceFonts.Default);

        var text = PageTexts(renderer.Render(Invoice(customer: LongName)))[0];

        text.ShouldContain("杭州深度求索人工智能基础技术研究有限公司");
        text.ShouldContain("…");
        text.ShouldNotContain(LongName);
    }

    [Fact]
    public void characters_missing_from_the_font_become_question_marks_and_are_logged_once()
    {
        var logger = new ListLogger<InvoicePdfRenderer>();
        using var renderer = new InvoicePdfRenderer(InvoiceFonts.Default, logger);

        var text = AllText(renderer.Render(Hostile()));

        text.ShouldContain("?");
        text.ShouldNotContain("😀");
        text.ShouldNotContain("\u202E");
        text.ShouldContain("evil");
        var warning = logger.Entries.ShouldHaveSingleItem();
        warning.Level.ShouldBe(LogLevel.Warning);
        warning.Message.ShouldContain("U+1F600");
        warning.Message.ShouldContain("U+10FFFF");
        warning.Message.ShouldContain("TL-2026-000123");
    }

    [Fact]
    public void an_ordinary_chinese_invoice_logs_nothing()
    {
        var logger = new ListLogger<InvoicePdfRenderer>();
        using var renderer = new InvoicePdfRenderer(InvoiceFonts.Default, logger);

        renderer.Render(Invoice());

        logger.Entries.ShouldBeEmpty();
    }
}

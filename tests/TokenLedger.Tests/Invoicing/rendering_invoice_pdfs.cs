using Shouldly;
using TokenLedger.Invoicing.Rendering;
using static TokenLedger.Tests.Invoicing.InvoiceDocuments;

namespace TokenLedger.Tests.Invoicing;

public class rendering_invoice_pdfs(RendererFixture fixture) : IClassFixture<RendererFixture>
{
    private readonly InvoicePdfRenderer _renderer = fixture.Renderer;

    [Fact]
    public void an_invoice_reads_back_with_the_chinese_customer_the_number_every_line_amount_and_the_total()
    {
        var doc = Invoice();

        var text = AllText(_renderer.Render(doc));

        text.ShouldContain("INVOICE 发票");
        text.ShouldContain(ChineseCustomer);
        text.ShouldContain("TL-2026-000123");
        foreach (var line in doc.Lines) text.ShouldContain(InvoiceFormat.Money(line.Amount, "CNY"));
        text.ShouldContain(InvoiceFormat.Money(doc.Total, "CNY"));
        text.ShouldContain(InvoiceFormat.Money(doc.AmountDue, "CNY"));
        text.ShouldContain("123,456,789");
        text.ShouldContain("Page 1 of 1");
    }

    [Fact]
    public void a_credit_note_shows_its_title_and_the_invoice_it_credits()
    {
        var doc = Invoice(number: "TL-2026-000140") with { Kind = InvoiceKind.CreditNote, ReferencesNumber = "TL-2026-000123" };

        var text = AllText(_renderer.Render(doc));

        text.ShouldContain("CREDIT NOTE 贷项通知单");
        text.ShouldContain("Credit note for invoice TL-2026-000123");
        text.ShouldContain("TL-2026-000140");
        text.ShouldNotContain("INVOICE 发票");
    }

    [Fact]
    public void a_sixty_line_invoice_paginates_with_the_table_header_and_page_numbers_on_every_page()
    {
        var pages = PageTexts(_renderer.Render(ManyLines(60)));

        pages.Count.ShouldBeGreaterThan(1);
        for (var i = 0; i < pages.Count; i++)
        {
            pages[i].ShouldContain("Unit price / 1M", customMessage: $"page {i + 1}");
            pages[i].ShouldContain($"Page {i + 1} of {pages.Count}");
        }

        pages[^1].ShouldContain("Subtotal");
        pages.SkipLast(1).ShouldAllBe(page => !page.Contains("Subtotal"));
        Enumerable.Range(1, 60).ShouldAllBe(i => pages.Any(p => p.Contains($"model-{i:D3}")));
    }

    [Fact]
    public void rendering_the_same_invoice_twice_gives_identical_bytes()
    {
        var doc = ManyLines(40);

        _renderer.Render(doc).ShouldBe(_renderer.Render(doc));
    }

    [Fact]
    public void a_separately_loaded_renderer_gives_the_same_bytes()
    {
        using var other = new InvoicePdfRenderer(InvoiceFonts.DefaultPath);
        var doc = Invoice();

        other.Render(doc).ShouldBe(_renderer.Render(doc));
    }

    [Fact]
    public void a_two_page_invoice_embeds_only_the_glyphs_it_uses_and_stays_under_200_kb()
    {
        var pdf = _renderer.Render(ManyLines(30));

        PageTexts(pdf).Count.ShouldBe(2);
        pdf.Length.ShouldBeLessThan(200 * 1024);
    }

    [Fact]
    public void a_missing_font_file_names_the_path_and_the_package_to_install()
    {
        var ex = Should.Throw<FileNotFoundException>(() => new InvoicePdfRenderer("/nonexistent/fonts/wqy-microhei.ttc"));

        ex.Message.ShouldContain("/nonexistent/fonts/wqy-microhei.ttc");
        ex.Message.ShouldContain("fonts-wqy-microhei");
        ex.FileName.ShouldBe("/nonexistent/fonts/wqy-microhei.ttc");
    }

    [Fact]
    public void the_pdf_metadata_dates_come_from_the_issue_date()
    {
        using var pdf = UglyToad.PdfPig.PdfDocument.Open(_renderer.Render(Invoice()));

        pdf.Information.GetCreatedDateTimeOffset()!.Value.UtcDateTime.ShouldBe(new DateTime(2026, 7, 1, 0, 0, 0, DateTimeKind.Utc));
        pdf.Information.Title!.ShouldContain("TL-2026-000123");
    }
}

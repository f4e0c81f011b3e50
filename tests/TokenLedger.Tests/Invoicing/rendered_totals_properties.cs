using Shouldly;
using TokenLedger.Invoicing.Rendering;
using TokenLedger.Pricing;
using static TokenLedger.Tests.Invoicing.InvoiceDocuments;

namespace TokenLedger.Tests.Invoicing;

public class rendered_totals_properties(RendererFixture fixture) : IClassFixture<RendererFixture>
{
    private static readonly string[] Currencies = ["CNY", "USD", "JPY", "EUR"];
    private static readonly decimal[] Rates = [0m, 6m, 9m, 13m];

    [Fact]
    public void for_200_random_invoices_the_total_line_shows_the_documents_total()
    {
        var random = new Random(20260701);
        for (var run = 0; run < 200; run++)
        {
            var doc = RandomInvoice(random, run);

            var text = AllText(fixture.Renderer.Render(doc));

            var totalLine = text.Split('\n').Select(l => l.Trim())
                .Where(l => l.StartsWith("Total ", StringComparison.Ordinal)).ToList()
                .ShouldHaveSingleItem($"run {run}:\n{text}");
            totalLine.ShouldBe($"Total {InvoiceFormat.Money(doc.Total, doc.Currency)}", $"run {run}: {doc.Lines.Count} lines in {doc.Currency}");
        }
    }

    private static InvoiceDocument RandomInvoice(Random random, int run)
    {
        var currency = Currencies[random.Next(Currencies.Length)];
        var lines = Enumerable.Range(0, random.Next(0, 45)).Select(i =>
        {
            var rate = Rates[random.Next(Rates.Length)];
            var amount = InvoiceRounding.RoundLine((decimal)random.NextDouble() * (decimal)Math.Pow(10, random.Next(0, 9)), currency);
            var tax = InvoiceRounding.RoundLine(amount * rate / 100m, currency);
            return random.Next(5) == 0
                ? new InvoiceLine($"Fee {i}", "", "Fee", null, null, amount, rate, tax)
                : new InvoiceLine($"Usage {i}", $"model-{i}", "Input", random.NextInt64(1, 10_000_000_000), Math.Round((decimal)random.NextDouble() * 100m, 6), amount, rate, tax);
        }).ToList();
        return Invoice(lines, number: $"TL-2026-{run:D6}", currency: currency, prepaid: InvoiceRounding.RoundLine(random.Next(0, 1000), currency));
    }
}

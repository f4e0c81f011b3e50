using Shouldly;
using TokenLedger.Pricing;

namespace TokenLedger.Tests.Pricing;

/// <summary><see cref="InvoiceRounding"/>: round once per invoice line, half-up, to the currency's minor unit.</summary>
public class rounding_invoice_lines
{
    [Theory]
    [InlineData("CNY", "0.005", "0.01")]
    [InlineData("CNY", "0.0049999999999", "0.00")]
    [InlineData("USD", "12.345", "12.35")]
    [InlineData("USD", "12.355", "12.36")]
    [InlineData("USD", "-0.005", "-0.01")]
    [InlineData("JPY", "12.5", "13")]
    [InlineData("KWD", "1.2345", "1.235")]
    [InlineData("EUR", "0.125", "0.13")]
    public void a_line_is_rounded_half_up_to_the_minor_unit(string currency, string unrounded, string rounded)
    {
        InvoiceRounding.RoundLine(Parse(unrounded), currency).ShouldBe(Parse(rounded));
    }

    [Fact]
    public void a_line_keeps_its_unrounded_sum_and_a_total_is_the_sum_of_rounded_lines()
    {
        // 1,000 requests of 0.0164 CNY: rounding each would bill 1000 × 0.02 = 20; the line bills 16.40.
        var line = InvoiceRounding.Line("CNY", Enumerable.Repeat(0.0164m, 1000));
        line.ShouldBe(new InvoiceAmount("CNY", 16.4m, 16.40m));

        var other = InvoiceRounding.Line("CNY", [0.004m, 0.0009m]);
        other.ShouldBe(new InvoiceAmount("CNY", 0.0049m, 0m));
        InvoiceRounding.Total([line, other]).ShouldBe(16.40m);
    }

    private static decimal Parse(string text) => decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}

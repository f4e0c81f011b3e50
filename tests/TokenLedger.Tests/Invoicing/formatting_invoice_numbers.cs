using System.Globalization;
using NodaTime;
using Shouldly;
using TokenLedger.Invoicing.Rendering;

namespace TokenLedger.Tests.Invoicing;

public class formatting_invoice_numbers
{
    [Theory]
    [InlineData(1234567.891, "CNY", "¥1,234,567.89")]
    [InlineData(0.5, "USD", "$0.50")]
    [InlineData(-12.3, "CNY", "-¥12.30")]
    [InlineData(1234567, "JPY", "JPY 1,234,567")]
    [InlineData(1234.5, "EUR", "EUR 1,234.50")]
    public void amounts_use_thousands_separators_and_the_currencys_minor_units(decimal amount, string currency, string expected) =>
        InvoiceFormat.Money(amount, currency).ShouldBe(expected);

    [Theory]
    [InlineData(2, "¥2.00")]
    [InlineData(0.075, "¥0.075")]
    [InlineData(0.12345678, "¥0.123457")]
    [InlineData(12345.5, "¥12,345.50")]
    public void unit_prices_show_two_to_six_decimals(decimal price, string expected) =>
        InvoiceFormat.UnitPrice(price, "CNY").ShouldBe(expected);

    [Fact]
    public void formatting_ignores_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            InvoiceFormat.Money(1234.5m, "CNY").ShouldBe("¥1,234.50");
            InvoiceFormat.Tokens(1_234_567).ShouldBe("1,234,567");
            InvoiceFormat.Period(new DateInterval(new LocalDate(2026, 6, 1), new LocalDate(2026, 6, 30))).ShouldBe("2026-06-01 – 2026-06-30");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }
}

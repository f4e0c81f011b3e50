using Shouldly;
using TokenLedger.Distributors.GettingMargins;
using TokenLedger.Infrastructure;
using Xunit;

namespace TokenLedger.Tests.Infrastructure;

public sealed class writing_csv_cells
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"")]
    [InlineData("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1:A9)", "'@SUM(A1:A9)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("deepseek-chat", "deepseek-chat")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void a_text_cell_starting_like_a_formula_gets_a_leading_quote_then_rfc_4180_quoting(string? text, string cell)
    {
        CsvCells.Text(text).ShouldBe(cell);
    }

    [Fact]
    public void numeric_cells_are_numbers_so_a_negative_amount_is_never_prefixed()
    {
        CsvCells.Number(-12.50m).ShouldBe("-12.50");
        CsvCells.Number(-3L).ShouldBe("-3");
        CsvCells.Number((decimal?)null).ShouldBe("");
    }

    [Fact]
    public void a_margin_report_neutralises_its_group_cells_and_keeps_negative_margins_numeric()
    {
        var csv = MarginCsv.Write(Report("=cmd", -1.5m));

        csv.Split('\n')[1].ShouldStartWith("'=cmd,");
        csv.Split('\n')[1].ShouldContain(",-1.5,");
    }

    private static MarginReport Report(string group, decimal margin) => new(
        "d1", "2026-06", "Asia/Shanghai", "model", "CNY", "CNY",
        [new MarginLine(group, 1, 10, 1m, 1m - margin, margin, -150m, margin < 0, 0)], 1m, 1m - margin, margin, -150m, 0);
}

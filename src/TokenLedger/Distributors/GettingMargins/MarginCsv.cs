using System.Text;
using TokenLedger.Infrastructure;

namespace TokenLedger.Distributors.GettingMargins;

/// <summary>A margin report as CSV for finance: one row per group, then a total row; amounts exact, as in the JSON.</summary>
public static class MarginCsv
{
    public static string Write(MarginReport report)
    {
        var csv = new StringBuilder($"{CsvCells.Text(report.GroupBy)},events,tokens,revenue,cost,margin,margin_percent,negative_margin,unrated_events,revenue_currency,cost_currency\n");
        foreach (var g in report.Groups)
            Row(csv, g.Group, g.Events, g.Tokens, g.Revenue, g.Cost, g.Margin, g.MarginPercent, g.NegativeMargin, g.UnratedEvents, report);
        Row(csv, "total", report.Groups.Sum(g => g.Events), report.Groups.Sum(g => g.Tokens), report.Revenue, report.Cost, report.Margin,
            report.MarginPercent, report.Margin < 0, report.UnratedEvents, report);
        return csv.ToString();
    }

    private static void Row(StringBuilder csv, string group, long events, long tokens, decimal revenue, decimal cost, decimal? margin, decimal? percent,
        bool negative, long unrated, MarginReport report) =>
        csv.AppendLine(CsvCells.Row(CsvCells.Text(group), CsvCells.Number(events), CsvCells.Number(tokens), CsvCells.Number(revenue), CsvCells.Number(cost),
            CsvCells.Number(margin), CsvCells.Number(percent), CsvCells.Bool(negative), CsvCells.Number(unrated),
            CsvCells.Text(report.RevenueCurrency), CsvCells.Text(report.CostCurrency)));
}

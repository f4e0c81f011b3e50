using System.Globalization;
using System.Text;
using TokenLedger.Faults.Scenarios;

namespace TokenLedger.Faults.Reporting;

/// <summary>The final table: one row per scenario, then each scenario's notes (recovery, health transitions, logs).</summary>
public static class ResultTable
{
    public const string Title = "FAULT HARNESS RESULTS";

    public static string Render(IReadOnlyList<ScenarioResult> results)
    {
        string[] header = ["scenario", "result", "published", "unique expected", "recorded", "lost", "double-counted", "unexpected",
            "dead letters exp/seen", "peak RSS", "replay rate", "time"];
        var rows = results.Select(r => new[]
        {
            r.Name, r.Exact ? "EXACT" : "FAILED", N(r.EventsPublished), N(r.UniqueExpected), N(r.Recorded), N(r.Lost), N(r.DoubleCounted),
            N(r.Unexpected),
            r.LettersExpected is null ? "-" : $"{N(r.LettersExpected.Value)}/{(r.LettersSeen is { } s ? N(s) : "?")}",
            r.PeakRssBytes == 0 ? "-" : $"{r.PeakRssBytes / 1024.0 / 1024.0:F0} MB",
            r.ReplayRate is { } rate ? $"{N((long)rate)} rec/s" : "-",
            $"{r.Seconds:F0} s",
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();

        var text = new StringBuilder();
        text.AppendLine().AppendLine($"===== {Title} =====");
        text.AppendLine(Line(header, widths));
        text.AppendLine(string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in rows) text.AppendLine(Line(row, widths));
        text.AppendLine();
        foreach (var r in results)
        {
            text.AppendLine($"{r.Name}:");
            foreach (var failure in r.Failures) text.AppendLine($"  FAILED: {failure}");
            foreach (var note in r.Notes) text.AppendLine($"  - {note}");
        }
        var exact = results.Count(r => r.Exact);
        text.AppendLine().AppendLine($"{exact} of {results.Count} scenarios exact" + (exact == results.Count ? "" : " — SOME SCENARIOS FAILED"));
        return text.ToString();
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join(" | ", cells.Select((c, i) => i <= 1 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

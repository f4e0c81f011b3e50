using System.Globalization;

namespace TokenLedger.Infrastructure;

/// <summary>
/// The cells of every CSV the service writes. Text cells (models, tenants, groups, currencies, kinds) are neutralised
/// by OWASP's rule against formula injection: a cell starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a
/// carriage return gets a leading single quote, so a spreadsheet shows it as text and never runs it; then it is quoted
/// as RFC 4180 asks. Numeric cells are written by the ledger itself from numbers (invariant culture), so a negative
/// amount stays a number (<c>-12.50</c>) and is never prefixed.
/// </summary>
public static class CsvCells
{
    private static readonly char[] Triggers = ['=', '+', '-', '@', '\t', '\r'];
    private static readonly char[] NeedQuotes = [',', '"', '\n', '\r'];

    /// <summary>A text cell: neutralised, then quoted when it holds a comma, a quote or a line break.</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var safe = Array.IndexOf(Triggers, value[0]) >= 0 ? "'" + value : value;
        return safe.IndexOfAny(NeedQuotes) >= 0 ? $"\"{safe.Replace("\"", "\"\"")}\"" : safe;
    }

    /// <summary>A numeric cell (empty for null), invariant culture; never neutralised.</summary>
    public static string Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    public static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Row(params string[] cells) => string.Join(",", cells);
}

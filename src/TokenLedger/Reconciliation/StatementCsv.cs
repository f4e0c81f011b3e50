using System.Globalization;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace TokenLedger.Reconciliation;

/// <summary>
/// Reads an upstream statement CSV (RFC 4180: comma-separated, double quotes around fields that contain commas, quotes
/// or line breaks; a header row first; UTF-8 with or without BOM). Columns are found by header name, in any order,
/// case-insensitively, through <see cref="Columns"/>: the canonical names and those of the known formats.
/// </summary>
public static class StatementCsv
{
    public const int MaxModelLength = 200;

    public const int MaxErrors = 20;

    /// <summary>Canonical column → the header names that mean it (canonical first, then OpenAI-style, then Chinese console exports).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Columns = new Dictionary<string, string[]>
    {
        ["date"] = ["date", "day", "usage_date", "日期"],
        ["model"] = ["model", "model_name", "模型"],
        ["input_tokens"] = ["input_tokens", "prompt_tokens", "input_uncached_tokens", "输入tokens(缓存未命中)", "输入tokens"],
        ["cached_input_tokens"] = ["cached_input_tokens", "input_cached_tokens", "cache_hit_tokens", "输入tokens(缓存命中)"],
        ["cache_write_tokens"] = ["cache_write_tokens", "cache_creation_input_tokens"],
        ["output_tokens"] = ["output_tokens", "completion_tokens", "输出tokens"],
        ["amount"] = ["amount", "cost", "amount_cny", "金额"],
    };

    private static readonly LocalDatePattern[] DatePatterns = [LocalDatePattern.Iso, LocalDatePattern.CreateWithInvariantCulture("yyyy'/'MM'/'dd")];

    public static (IReadOnlyList<StatementRow> Rows, IReadOnlyList<string> Errors) Parse(string text)
    {
        var records = Records(text.TrimStart('\uFEFF')).ToList();
        if (records.Count == 0) return ([], ["the file is empty: expected a header row, then one row per day and model"]);
        var header = records[0].Fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var index = Columns.ToDictionary(c => c.Key, c => c.Value.Select(name => header.IndexOf(name.ToLowerInvariant())).FirstOrDefault(i => i >= 0, -1));
        var missing = new[] { "date", "model", "amount" }.Where(c => index[c] < 0).ToList();
        if (missing.Count > 0 || new[] { "input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens" }.All(c => index[c] < 0))
            return ([], [$"line 1: the header must name date, model, amount and at least one token column; missing {string.Join(", ", missing.DefaultIfEmpty("a token column"))} (see contracts/README.md#upstream-statements)"]);

        var rows = new List<StatementRow>();
        var errors = new List<string>();
        foreach (var (line, fields) in records.Skip(1))
        {
            if (fields.All(string.IsNullOrWhiteSpace)) continue;
            string Field(string column) => index[column] is var i and >= 0 && i < fields.Count ? fields[i].Trim() : "";
            var problems = new List<string>();
            var date = DatePatterns.Select(p => p.Parse(Field("date"))).FirstOrDefault(r => r.Success);
            if (date is null) problems.Add($"date '{Field("date")}' is not a date such as 2026-06-01");
            var model = Field("model");
            if (model.Length == 0) problems.Add("model is empty");
            else if (model.Length > MaxModelLength) problems.Add($"model must be at most {MaxModelLength} characters");
            else if (Infrastructure.StorableText.IdentifierProblem(model) is { } bad) problems.Add($"model {bad}");
            long Tokens(string column)
            {
                var raw = Field(column).Replace(",", "");
                if (raw.Length == 0) return 0;
                if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n)) return n;
                problems.Add($"{column} '{Field(column)}' is not a whole number of tokens 0 or more");
                return 0;
            }
            var input = Tokens("input_tokens");
            var cached = Tokens("cached_input_tokens");
            var cacheWrite = Tokens("cache_write_tokens");
            var output = Tokens("output_tokens");
            var amountText = Field("amount").Replace(",", "").TrimStart('¥', '$', '￥');
            if (!decimal.TryParse(amountText, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
                problems.Add($"amount '{Field("amount")}' is not a number such as 1234.56");
            if (problems.Count > 0) errors.Add($"line {line}: {string.Join("; ", problems)}");
            else rows.Add(new StatementRow(line, date!.Value, model, input, cached, cacheWrite, output, amount));
            if (errors.Count >= MaxErrors) break;
        }
        if (errors.Count == 0 && rows.Count == 0) errors.Add("the file has a header but no rows");
        return (rows, errors);
    }

    /// <summary>Records with the line number each starts on; a quoted field may span lines.</summary>
    private static IEnumerable<(int Line, List<string> Fields)> Records(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        var start = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else { if (c == '\n') line++; field.Append(c); }
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0: quoted = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    fields.Add(field.ToString()); field.Clear();
                    yield return (start, fields);
                    fields = [];
                    start = ++line;
                    break;
                default: field.Append(c); break;
            }
        }
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return (start, fields);
        }
    }
}
